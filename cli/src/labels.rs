//! Price and weight labels: what a scanned code is (`sellsync barcode CODE`), and the
//! business's rules for reading labels (`sellsync barcode-rules`).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use sellsync_contract::documents::read_barcode_rules;
use sellsync_contract::embedded_barcodes::{ready_layout, BarcodeRule, READY_LAYOUTS};
use sellsync_core::Till;

use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Args)]
pub(crate) struct BarcodeArgs {
    /// The code as scanned or typed
    code: String,
}

/// What a code is: a product, or a label (a priced, weighed or counted item) and its
/// product; or why neither.
pub(crate) fn barcode(till: &Till, args: BarcodeArgs, out: &Printer) -> Result<()> {
    let scanned = till.read_code(&args.code)?;
    out.scanned(till, &args.code, &scanned)
}

#[derive(Subcommand)]
pub(crate) enum RulesCommand {
    /// The business's rules for reading labels
    List,
    /// Set the business's rules, for every till of it (an administrator's)
    Set {
        #[command(flatten)]
        sign_in: SignIn,
        #[command(flatten)]
        rules: RulesSource,
    },
}

/// Where the rules come from.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub(crate) struct RulesSource {
    /// A country's common label layouts: United States, United Kingdom, Germany, Sweden
    #[arg(long)]
    country: Option<String>,
    /// A JSON file: a list of {name, symbology, prefix, item: {from, digits}, value: {from,
    /// digits}, meaning, decimals, verifier}, digits counted from 1
    #[arg(long)]
    file: Option<PathBuf>,
    /// No rules: every code is a product's own
    #[arg(long)]
    none: bool,
}

pub(crate) fn rules(till: &mut Till, command: RulesCommand, out: &Printer) -> Result<()> {
    if let RulesCommand::Set {
        sign_in: who,
        rules,
    } = command
    {
        let rules = read_rules(&rules)?;
        let actor = sign_in(till, &who)?;
        till.set_barcode_rules(&actor, &rules)?;
    }
    out.barcode_rules(&till.business().barcode_rules)
}

fn read_rules(source: &RulesSource) -> Result<Vec<BarcodeRule>> {
    if let Some(country) = &source.country {
        return ready_layout(country).with_context(|| {
            format!(
                "no ready layout for {country:?}: there are {}",
                READY_LAYOUTS.join(", ")
            )
        });
    }
    let Some(file) = &source.file else {
        return Ok(Vec::new());
    };
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    let bson = bson::Bson::try_from(json).context("the rules are not a list of rules")?;
    read_barcode_rules(&bson).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))
}
