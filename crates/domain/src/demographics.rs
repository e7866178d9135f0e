//! The closed vocabularies of the kiosk: what a client says about themself (SPEC §8.3) and the
//! listing filters matched against it (SPEC §1), each stored and exported by its `as_str` name.

/// An enum whose values are stored and sent as fixed snake_case names.
macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in the order forms offer them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored and exported name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value with this stored name, if any.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

named_enum!(
    /// Which clients a listing is for, by gender.
    GenderFilter {
        Any = "any",
        Male = "male",
        Female = "female",
    }
);

named_enum!(
    /// Which clients a listing is for, by Indigenous status.
    IndigenousFilter {
        Any = "any",
        AboriginalOrTorresStraitIslander = "aboriginal_or_torres_strait_islander",
        NonIndigenous = "non_indigenous",
    }
);

named_enum!(
    /// A client's gender, as they chose to give it.
    Gender {
        Male = "male",
        Female = "female",
        Other = "other",
        PreferNotToSay = "prefer_not_to_say",
    }
);

named_enum!(
    /// A client's Indigenous status, as they chose to give it.
    IndigenousStatus {
        AboriginalOrTorresStraitIslander = "aboriginal_or_torres_strait_islander",
        NonIndigenous = "non_indigenous",
        PreferNotToSay = "prefer_not_to_say",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_its_value() {
        for g in GenderFilter::ALL {
            assert_eq!(GenderFilter::parse(g.as_str()), Some(*g));
        }
        for i in IndigenousFilter::ALL {
            assert_eq!(IndigenousFilter::parse(i.as_str()), Some(*i));
        }
        for g in Gender::ALL {
            assert_eq!(Gender::parse(g.as_str()), Some(*g));
        }
        for i in IndigenousStatus::ALL {
            assert_eq!(IndigenousStatus::parse(i.as_str()), Some(*i));
        }
        assert_eq!(Gender::parse("any"), None);
        assert_eq!(IndigenousFilter::parse("prefer_not_to_say"), None);
    }

    #[test]
    fn names_in_json_are_the_stored_names() {
        let json = serde_json::to_string(&IndigenousStatus::AboriginalOrTorresStraitIslander);
        assert_eq!(
            json.expect("serialises"),
            "\"aboriginal_or_torres_strait_islander\""
        );
    }
}
