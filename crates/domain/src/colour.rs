//! Category colours (issue 12): the kiosk shows a category's name on a card filled with its
//! colour, so the colour must carry text at WCAG AA (4.5:1). The palette offered on the form
//! passes with white text; any other colour is checked with WCAG's contrast formula.

/// The text on a category card of the kiosk.
pub const CARD_TEXT: &str = "#ffffff";
/// The text used instead on a stored colour too light for white (kept from before the check).
pub const CARD_TEXT_DARK: &str = "#0b0c0c";
/// WCAG 2.2 AA for normal text (success criterion 1.4.3).
pub const MIN_CONTRAST: f64 = 4.5;

/// A colour of the palette, with the name people choose it by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamedColour {
    pub name: &'static str,
    pub hex: &'static str,
}

const fn named(name: &'static str, hex: &'static str) -> NamedColour {
    NamedColour { name, hex }
}

/// The colours offered for categories; each carries white text at 4.5:1 or more.
pub const PALETTE: [NamedColour; 10] = [
    named("Blue", "#1f5fa8"),
    named("Green", "#0b6e4f"),
    named("Red", "#a4262c"),
    named("Purple", "#5c2d91"),
    named("Brown", "#8a5a00"),
    named("Teal", "#00627a"),
    named("Magenta", "#b4009e"),
    named("Olive", "#4f6b00"),
    named("Grey", "#505a5f"),
    named("Navy", "#1c2f5e"),
];

/// The palette's name for a colour, if it is one of them.
pub fn palette_name(hex: &str) -> Option<&'static str> {
    PALETTE
        .iter()
        .find(|c| c.hex.eq_ignore_ascii_case(hex))
        .map(|c| c.name)
}

/// `#rrggbb` as its three channels.
fn channels(hex: &str) -> Option<[u8; 3]> {
    let digits = hex.strip_prefix('#')?;
    if digits.len() != 6 || !digits.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG's relative luminance of an sRGB colour (0 for black, 1 for white).
pub fn relative_luminance(hex: &str) -> Option<f64> {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = channels(hex)?;
    Some(0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b))
}

/// WCAG's contrast ratio of two colours, from 1 (the same) to 21 (black on white).
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let (a, b) = (relative_luminance(a)?, relative_luminance(b)?);
    let (light, dark) = if a > b { (a, b) } else { (b, a) };
    Some((light + 0.05) / (dark + 0.05))
}

/// Whether white card text on `hex` meets AA.
pub fn carries_card_text(hex: &str) -> bool {
    contrast_ratio(hex, CARD_TEXT).is_some_and(|r| r >= MIN_CONTRAST)
}

/// The text colour for a card of `hex`: white, or dark for a light colour stored before the
/// check existed, so that such a card stays readable.
pub fn card_text(hex: &str) -> &'static str {
    if carries_card_text(hex) {
        CARD_TEXT
    } else {
        CARD_TEXT_DARK
    }
}

/// Refuses a colour that cannot carry the card's white text, saying by how much.
pub fn check_card_colour(hex: &str) -> Result<(), String> {
    match contrast_ratio(hex, CARD_TEXT) {
        Some(ratio) if ratio >= MIN_CONTRAST => Ok(()),
        Some(ratio) => Err(format!(
            "White text on {hex} has a contrast of {:.1}:1; choose a darker colour \
             (at least {MIN_CONTRAST}:1), such as one from the list.",
            (ratio * 10.0).floor() / 10.0
        )),
        None => Err("Enter a colour like #1f5fa8.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contrast_ratio_follows_wcag_from_black_on_white_to_the_same_colour() {
        let ratio = |a, b| contrast_ratio(a, b).unwrap();
        assert!((ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((ratio("#ffffff", "#000000") - 21.0).abs() < 1e-9);
        assert!((ratio("#777777", "#777777") - 1.0).abs() < 1e-9);
        // Values published by WebAIM's contrast checker.
        assert!((ratio("#767676", "#ffffff") - 4.54).abs() < 0.01);
        assert!((ratio("#1d70b8", "#ffffff") - 5.17).abs() < 0.01);
        assert_eq!(contrast_ratio("#12345", "#ffffff"), None);
    }

    #[test]
    fn every_palette_colour_carries_the_cards_text_at_aa() {
        assert!((8..=12).contains(&PALETTE.len()));
        for colour in PALETTE {
            let ratio = contrast_ratio(colour.hex, CARD_TEXT).unwrap();
            assert!(
                ratio >= MIN_CONTRAST,
                "{} {}: {ratio:.2}",
                colour.name,
                colour.hex
            );
            assert_eq!(check_card_colour(colour.hex), Ok(()));
            assert_eq!(card_text(colour.hex), CARD_TEXT);
        }
        let names: std::collections::BTreeSet<_> = PALETTE.iter().map(|c| c.name).collect();
        assert_eq!(names.len(), PALETTE.len(), "names are distinct");
    }

    #[test]
    fn a_light_colour_is_refused_with_its_ratio_and_falls_back_to_dark_text() {
        let message = check_card_colour("#ffdd00").unwrap_err();
        assert!(message.contains("1.3:1"), "{message}");
        assert_eq!(card_text("#ffdd00"), CARD_TEXT_DARK);
        assert!(contrast_ratio("#ffdd00", CARD_TEXT_DARK).unwrap() >= MIN_CONTRAST);
    }
}
