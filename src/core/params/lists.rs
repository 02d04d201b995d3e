//! What a person typed for a list (a flag, a form field, a prompt), split into its entries.

/// "a, b,,c " → ["a", "b", "c"]: a comma-separated list of user profile names.
pub fn parse_user_list(input: &str) -> Vec<String> {
    input
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits what a person typed for the allowed domains or buckets (commas, spaces or
/// newlines) into entries, dropping empty ones.
pub fn parse_domain_list(input: &str) -> Vec<String> {
    input
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
