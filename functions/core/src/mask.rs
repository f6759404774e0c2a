//! Masking of personal data for logs and console output.

/// `ana.lopez@example.com` → `a***@example.com`
pub fn email(e: &str) -> String {
    match e.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// `+49 151 1234 5678` → `***678`
pub fn phone(p: &str) -> String {
    let digits: Vec<char> = p.chars().filter(|c| c.is_ascii_digit()).collect();
    let tail: String = digits[digits.len().saturating_sub(3)..].iter().collect();
    format!("***{tail}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_hide_most_of_the_value() {
        assert_eq!(super::email("ana.lopez@example.com"), "a***@example.com");
        assert_eq!(super::email("broken"), "***");
        assert_eq!(super::phone("+49 151 1234 5678"), "***678");
        assert_eq!(super::phone("12"), "***12");
    }
}
