//! Query-string parameters of the listing routes: unknown names, bad values and
//! out-of-range limits are the caller's mistake (400).

use std::collections::BTreeMap;

use super::{ApiError, DEFAULT_LIMIT, MAX_LIMIT};

/// The query's parameters, refusing any name not in `allowed`.
pub fn parse(query: Option<&str>, allowed: &[&str]) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if !allowed.contains(&k.as_ref()) {
            return Err(ApiError::bad_request(format!(
                "unknown parameter {k:?}; allowed: {}",
                allowed.join(", ")
            )));
        }
        out.insert(k.into_owned(), v.into_owned());
    }
    Ok(out)
}

/// An optional parameter of an enum type.
pub fn opt<T: std::str::FromStr<Err = String>>(v: Option<&String>) -> Result<Option<T>, ApiError> {
    v.map(|s| s.parse::<T>())
        .transpose()
        .map_err(ApiError::bad_request)
}

/// `limit`: 1..=[`MAX_LIMIT`], default [`DEFAULT_LIMIT`].
pub fn limit(v: Option<&String>) -> Result<usize, ApiError> {
    match v {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(format!(
                "limit must be a number from 1 to {MAX_LIMIT}"
            ))),
        },
    }
}
