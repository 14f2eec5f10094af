//! Auth0's rules, one per file. Each is a pure function over plain data; the
//! [`Transaction`](crate::Transaction) calls them in the order Auth0 applies
//! them. Every file has the headings *What it does*, *Auth0 behaviour* (with
//! the spec section) and *Example*.

pub mod cache;
pub mod challenge_before_enroll;
pub mod command_cap;
pub mod custom_claims;
pub mod customize_toggle;
pub mod metadata;
pub mod multifactor;
pub mod no_usable_factor;
pub mod non_interactive;
pub mod primary_user;
pub mod prompt_render;
pub mod prompt_shape;
pub mod record_method;
pub mod refresh_token;
pub mod saml_response;
pub mod scopes;
pub mod session;
pub mod transaction_metadata;
pub mod usable_factors;
pub mod validation_error;
