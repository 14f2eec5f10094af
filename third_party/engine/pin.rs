// Never built: this package only pins the engine crate (Cargo.toml).
