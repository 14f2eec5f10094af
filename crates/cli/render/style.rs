//! ANSI styling that switches itself off when colour is not wanted.

/// Whether to colour a stream: only a terminal, and only without `NO_COLOR`.
pub(crate) fn use_colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Paints text when its flag is set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paint(pub(crate) bool);

macro_rules! styles {
    ($($name:ident => $code:literal,)*) => {
        impl Paint {
            $(pub(crate) fn $name(self, text: &str) -> String {
                if self.0 { format!("\x1b[{}m{text}\x1b[0m", $code) } else { text.to_owned() }
            })*
        }
    };
}

styles! {
    bold => "1",
    dim => "2",
    red => "31",
    green => "32",
    yellow => "33",
    cyan => "36",
    red_bold => "1;31",
    green_bold => "1;32",
    yellow_bold => "1;33",
    cyan_bold => "1;36",
}
