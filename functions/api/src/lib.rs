//! api: the admin routes on Lambda. Never public: the route table's `Admin` policy fails
//! closed on Lambda, so without an API token in the configuration every route but
//! `/healthz` answers 401.

pub use handoff_lambda::http::{handle, run};
