//! The plans a business subscribes to (the seed's `package_plan`) and what each allows,
//! pure. The table is in README.md.

/// A business's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Free,
    Standard,
    Premium,
}

/// What a plan allows; `None`: no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub stores: Option<u32>,
    pub tills_per_store: Option<u32>,
    pub products: Option<u32>,
    /// Whether the business REST API (`/v1`) answers its keys.
    pub rest_api: bool,
}

impl Plan {
    pub const ALL: [Plan; 3] = [Plan::Free, Plan::Standard, Plan::Premium];

    /// As the seed writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::Standard => "Standard",
            Plan::Premium => "Premium",
        }
    }

    /// Any case.
    pub fn parse(text: &str) -> Option<Plan> {
        Plan::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The plan of a central business document (Free when it names none it knows).
    pub fn of(business: &bson::Document) -> Plan {
        business
            .get_str("package_plan")
            .ok()
            .and_then(Plan::parse)
            .unwrap_or(Plan::Free)
    }

    pub fn limits(self) -> Limits {
        match self {
            Plan::Free => Limits {
                stores: Some(1),
                tills_per_store: Some(1),
                products: Some(500),
                rest_api: false,
            },
            Plan::Standard => Limits {
                stores: Some(3),
                tills_per_store: Some(5),
                products: Some(10_000),
                rest_api: true,
            },
            Plan::Premium => Limits {
                stores: None,
                tills_per_store: None,
                products: None,
                rest_api: true,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_read_in_any_case_and_grow() {
        assert_eq!(Plan::parse("premium"), Some(Plan::Premium));
        assert_eq!(Plan::parse(" Free "), Some(Plan::Free));
        assert_eq!(Plan::parse("Gold"), None);
        assert!(!Plan::Free.limits().rest_api);
        assert_eq!(Plan::Standard.limits().stores, Some(3));
        assert_eq!(Plan::Premium.limits().products, None);
    }
}
