//! English for the counts in messages: "1 passage", "3 passages".
//!
//! Only the counting noun; not a general inflection library (every caller names both forms).

/// "1 feed", "0 feeds", "3 feeds".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_and_the_rest_plural() {
        assert_eq!(super::plural(1, "passage", "passages"), "1 passage");
        assert_eq!(super::plural(0, "passage", "passages"), "0 passages");
        assert_eq!(super::plural(2, "entry", "entries"), "2 entries");
    }
}
