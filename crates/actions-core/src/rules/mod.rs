//! Auth0's rules, one per file. Each is a pure function over plain data; the
//! [`Transaction`](crate::Transaction) calls them in the order Auth0 applies
//! them. Every file has the headings *What it does*, *Auth0 behaviour* (with
//! the spec section) and *Example*.

pub mod challenge_before_enroll;
pub mod command_cap;
pub mod custom_claims;
pub mod customize_toggle;
pub mod metadata;
pub mod no_usable_factor;
pub mod non_interactive;
pub mod prompt_shape;
pub mod usable_factors;
