"""pytest setup shared by the emulator's tests."""

import sys

# Importing studio_emulator from the source folder must not leave __pycache__ beside it: the
# folder is what studio-tui embeds (build.rs takes only the .py files, but a stray cache would
# still make cargo rerun the build script).
sys.dont_write_bytecode = True
