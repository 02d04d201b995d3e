//! Rebuild when the embedded emulator or the template changes: `include_dir!` does not tell
//! cargo which files it read (that needs a nightly-only API), so without this an edit to the
//! emulator's Python would leave the old copy inside the binary.

fn main() {
    println!("cargo:rerun-if-changed=assets");
}
