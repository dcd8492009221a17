//! Product families, pure: a product in options (a T-shirt in sizes and colours) and the
//! grid of its variants, checked whole. A till's stock screen and command line and the
//! REST API add a family by the same rule; each variant then becomes a product of its own
//! carrying a [`Variant`].

use thiserror::Error;

use crate::documents::Variant;
use crate::ids::Id;

/// The most options a family has, and values an option has.
pub const MAX_OPTIONS: usize = 3;
pub const MAX_VALUES: usize = 30;

/// A grid refused, in words a manager understands.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct FamilyError(String);

fn refused(text: impl Into<String>) -> FamilyError {
    FamilyError(text.into())
}

/// One variant asked for: its value of each option, in the options' order, and its SKU
/// if not the family's SKU and its values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WantedVariant {
    pub values: Vec<String>,
    pub sku: Option<String>,
}

/// One variant of the grid, checked: its SKU, its product name and what makes it a
/// variant; `wanted` is its position among those asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridVariant {
    pub wanted: usize,
    pub sku: String,
    pub product_name: String,
    pub variant: Variant,
}

/// The family's options checked: named, each once, with values, none twice.
fn check_options(
    options: &[(String, Vec<String>)],
) -> Result<Vec<(String, Vec<String>)>, FamilyError> {
    if options.is_empty() || options.len() > MAX_OPTIONS {
        return Err(refused(format!(
            "A family has 1 to {MAX_OPTIONS} options, such as size and colour."
        )));
    }
    let mut checked: Vec<(String, Vec<String>)> = Vec::new();
    for (name, values) in options {
        let name = name.trim();
        if name.is_empty() {
            return Err(refused("Every option needs a name, such as Size."));
        }
        if checked.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(refused(format!("The option {name} is given twice.")));
        }
        let mut kept: Vec<String> = Vec::new();
        for value in values.iter().map(|v| v.trim()) {
            if value.is_empty() {
                return Err(refused(format!("{name} has an empty value.")));
            }
            if kept.iter().any(|k| k.eq_ignore_ascii_case(value)) {
                return Err(refused(format!("{name} has the value {value} twice.")));
            }
            kept.push(value.to_owned());
        }
        if kept.is_empty() || kept.len() > MAX_VALUES {
            return Err(refused(format!(
                "{name} needs 1 to {MAX_VALUES} values, such as S, M, L."
            )));
        }
        checked.push((name.to_owned(), kept));
    }
    Ok(checked)
}

/// Every combination of the options' values, in order (S-Blue, S-Black, M-Blue, …).
pub fn combinations(options: &[(String, Vec<String>)]) -> Vec<Vec<String>> {
    options.iter().fold(vec![Vec::new()], |grid, (_, values)| {
        grid.iter()
            .flat_map(|row| {
                values.iter().map(move |value| {
                    let mut next = row.clone();
                    next.push(value.clone());
                    next
                })
            })
            .collect()
    })
}

/// A variant's default SKU: the family's, then each value in capitals, by dashes.
fn variant_sku(family: &str, values: &[String]) -> String {
    let parts = values.iter().map(|v| {
        v.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
    });
    std::iter::once(family.trim().to_owned())
        .chain(parts)
        .collect::<Vec<_>>()
        .join("-")
}

/// The grid of the family `name` (SKUs starting `sku`) in `options`: the variants
/// `wanted`, or none wanted, one of every combination. A value of no option, a
/// combination or a SKU given twice is refused; whether a SKU is taken already is for
/// whoever adds them to say.
pub fn grid(
    family_id: Id,
    name: &str,
    sku: &str,
    options: &[(String, Vec<String>)],
    wanted: &[WantedVariant],
) -> Result<Vec<GridVariant>, FamilyError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(refused("A family needs a name, such as Crew T-shirt."));
    }
    let options = check_options(options)?;
    let every: Vec<WantedVariant>;
    let wanted = if wanted.is_empty() {
        every = combinations(&options)
            .into_iter()
            .map(|values| WantedVariant { values, sku: None })
            .collect();
        &every
    } else {
        wanted
    };
    let option_names = || {
        options
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut grid: Vec<GridVariant> = Vec::with_capacity(wanted.len());
    for (i, variant) in wanted.iter().enumerate() {
        if variant.values.len() != options.len() {
            return Err(refused(format!(
                "A variant names one value of each option ({}): {} does not.",
                option_names(),
                variant.values.join(", ")
            )));
        }
        let mut values = Vec::with_capacity(options.len());
        for ((option, allowed), value) in options.iter().zip(&variant.values) {
            let value = value.trim();
            let found = allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(value))
                .ok_or_else(|| refused(format!("{value} is not a value of {option}.")))?;
            values.push(found.clone());
        }
        if grid
            .iter()
            .any(|g| g.variant.options.iter().map(|(_, v)| v).eq(&values))
        {
            return Err(refused(format!(
                "The variant {} is given twice.",
                values.join(", ")
            )));
        }
        let sku = variant
            .sku
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(|| variant_sku(sku, &values), str::to_owned);
        if let Some(same) = grid.iter().find(|g| g.sku.eq_ignore_ascii_case(&sku)) {
            return Err(refused(format!(
                "The variants {} and {} would both have the SKU {sku}.",
                same.variant
                    .options
                    .iter()
                    .map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                values.join(", ")
            )));
        }
        grid.push(GridVariant {
            wanted: i,
            sku,
            product_name: format!("{name}, {}", values.join(", ")),
            variant: Variant {
                family_id,
                family_name: name.to_owned(),
                options: options
                    .iter()
                    .map(|(option, _)| option.clone())
                    .zip(values)
                    .collect(),
            },
        });
    }
    Ok(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<(String, Vec<String>)> {
        vec![
            ("Size".into(), vec!["S".into(), "M".into(), "L".into()]),
            ("Colour".into(), vec!["Blue".into(), "Off white".into()]),
        ]
    }

    fn wanted(values: &[&str], sku: Option<&str>) -> WantedVariant {
        WantedVariant {
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            sku: sku.map(str::to_owned),
        }
    }

    #[test]
    fn the_grid_is_every_combination_named_and_coded_in_order() {
        let grid = grid(Id::new(), "Crew T-shirt", "TEE", &options(), &[]).unwrap();
        let skus: Vec<&str> = grid.iter().map(|g| g.sku.as_str()).collect();
        assert_eq!(
            skus,
            [
                "TEE-S-BLUE",
                "TEE-S-OFF-WHITE",
                "TEE-M-BLUE",
                "TEE-M-OFF-WHITE",
                "TEE-L-BLUE",
                "TEE-L-OFF-WHITE"
            ]
        );
        assert_eq!(grid[3].product_name, "Crew T-shirt, M, Off white");
        assert_eq!(
            grid[3].variant.options,
            [
                ("Size".to_owned(), "M".to_owned()),
                ("Colour".to_owned(), "Off white".to_owned())
            ]
        );
    }

    #[test]
    fn a_grid_given_by_hand_takes_values_as_the_options_spell_them() {
        let grid = grid(
            Id::new(),
            "Crew T-shirt",
            "TEE",
            &options(),
            &[
                wanted(&["m", "BLUE"], None),
                wanted(&["L", "blue"], Some("TEE-LB")),
            ],
        )
        .unwrap();
        assert_eq!(grid[0].sku, "TEE-M-BLUE");
        assert_eq!(grid[0].product_name, "Crew T-shirt, M, Blue");
        assert_eq!((grid[1].wanted, grid[1].sku.as_str()), (1, "TEE-LB"));
    }

    #[test]
    fn a_bad_grid_is_refused_in_words() {
        let refused = |name: &str, options: &[(String, Vec<String>)], wanted: &[WantedVariant]| {
            grid(Id::new(), name, "TEE", options, wanted)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            refused("  ", &options(), &[]),
            "A family needs a name, such as Crew T-shirt."
        );
        assert_eq!(
            refused("Tee", &[], &[]),
            "A family has 1 to 3 options, such as size and colour."
        );
        let twice = vec![
            ("Size".to_owned(), vec!["S".to_owned()]),
            ("size".to_owned(), vec!["M".to_owned()]),
        ];
        assert_eq!(
            refused("Tee", &twice, &[]),
            "The option size is given twice."
        );
        let same_value = vec![("Size".to_owned(), vec!["S".to_owned(), "s".to_owned()])];
        assert_eq!(
            refused("Tee", &same_value, &[]),
            "Size has the value s twice."
        );
        assert_eq!(
            refused("Tee", &options(), &[wanted(&["M"], None)]),
            "A variant names one value of each option (Size, Colour): M does not."
        );
        assert_eq!(
            refused("Tee", &options(), &[wanted(&["XL", "Blue"], None)]),
            "XL is not a value of Size."
        );
        assert_eq!(
            refused(
                "Tee",
                &options(),
                &[wanted(&["M", "Blue"], None), wanted(&["m", "blue"], None)]
            ),
            "The variant M, Blue is given twice."
        );
        assert_eq!(
            refused(
                "Tee",
                &options(),
                &[
                    wanted(&["M", "Blue"], Some("TEE-1")),
                    wanted(&["L", "Blue"], Some("tee-1"))
                ]
            ),
            "The variants M, Blue and L, Blue would both have the SKU tee-1."
        );
    }
}
