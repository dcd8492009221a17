//! Setting up a till: the demo store, a new business, a till of a store from its central
//! MongoDB, or one enrolled at the Sell Sync server (`sellsync init`).

use std::path::Path;

use anyhow::{bail, Context, Result};
use clap::Args;
use sellsync_core::{NewUser, Percent, Role, Till, TillSetup};

use crate::output::Printer;

#[derive(Args)]
pub(crate) struct InitArgs {
    /// Create the demo store (staff PINs are printed)
    #[arg(long, conflicts_with_all = ["business", "store", "admin_email", "from_mongodb", "server", "enrol"])]
    demo: bool,
    /// Set up a new till of an existing store from the Sell Sync server at this address,
    /// with the one-time code an admin made for the store (--enrol): the till syncs
    /// through the server from then on, holding no database credentials
    #[arg(long, value_name = "URL", requires = "enrol", conflicts_with_all = ["business", "store", "admin_name", "admin_email", "admin_pin", "from_mongodb"])]
    server: Option<String>,
    /// The store's one-time enrolment code (with --server), or the back office's ticket
    /// that holds the server's address too (`https://…#sse_…`, what its QR code reads)
    #[arg(long, value_name = "CODE", conflicts_with_all = ["business", "store", "admin_name", "admin_email", "admin_pin", "from_mongodb"])]
    enrol: Option<String>,
    /// Set up a new till of an existing store from the central MongoDB (give the store's
    /// id with --store): its catalog, staff and settings are read from there
    #[arg(long, value_name = "URI", conflicts_with_all = ["business", "admin_name", "admin_email", "admin_pin"])]
    from_mongodb: Option<String>,
    /// With --from-mongodb: the database holding the business's collections [default: sellsync]
    #[arg(long, requires = "from_mongodb")]
    database: Option<String>,
    /// The business's name
    #[arg(long, required_unless_present_any = ["demo", "from_mongodb", "enrol"])]
    business: Option<String>,
    /// The store's name (with --from-mongodb: the store's id in the central database)
    #[arg(long, required_unless_present_any = ["demo", "enrol"])]
    store: Option<String>,
    #[arg(long, default_value = "")]
    location: String,
    #[arg(long, default_value = "")]
    phone: String,
    /// ISO 4217 currency code
    #[arg(long, default_value = "USD")]
    currency: String,
    /// IANA time zone
    #[arg(long, default_value = "UTC")]
    timezone: String,
    /// Prices include tax
    #[arg(long)]
    tax_inclusive: bool,
    /// Tax rate of new products, in percent
    #[arg(long, default_value = "0")]
    tax_rate: String,
    /// When the store opens, on a 24-hour clock (with --close): 09:00
    #[arg(long, requires = "close", value_name = "HH:MM")]
    open: Option<String>,
    /// When the store closes (with --open): 22:00
    #[arg(long, requires = "open", value_name = "HH:MM")]
    close: Option<String>,
    /// Prefix of this till's sale numbers [default: T1; with --from-mongodb, one made
    /// from the till's id]
    #[arg(long)]
    till_code: Option<String>,
    #[arg(long, required_unless_present_any = ["demo", "from_mongodb", "enrol"])]
    admin_name: Option<String>,
    #[arg(long, required_unless_present_any = ["demo", "from_mongodb", "enrol"])]
    admin_email: Option<String>,
    /// The admin's PIN (4 to 8 digits)
    #[arg(long, required_unless_present_any = ["demo", "from_mongodb", "enrol"])]
    admin_pin: Option<String>,
}

pub(crate) fn init(dir: &Path, args: InitArgs, out: &Printer) -> Result<()> {
    if args.demo {
        let (till, summary) = Till::create_demo(dir)?;
        return out.demo_created(&till, &summary);
    }
    if let Some(code) = &args.enrol {
        let server = args.server.as_deref().unwrap_or_default();
        return crate::sync::enrol(dir, server, code, args.till_code, out);
    }
    if let Some(uri) = args.from_mongodb {
        let store = args.store.context("give the store's id with --store")?;
        return crate::sync::provision(dir, uri, args.database, &store, args.till_code, out);
    }
    let (Some(business), Some(store), Some(name), Some(email), Some(pin)) = (
        args.business,
        args.store,
        args.admin_name,
        args.admin_email,
        args.admin_pin,
    ) else {
        bail!("give --demo, or --business, --store, --admin-name, --admin-email and --admin-pin");
    };
    let setup = TillSetup {
        business_name: business,
        currency: args.currency,
        timezone: args.timezone,
        tax_inclusive: args.tax_inclusive,
        default_tax_rate: Percent::parse(&args.tax_rate)?,
        store_name: store,
        location: args.location,
        phone: args.phone,
        operating_hours: args.open.zip(args.close),
        till_code: args.till_code.unwrap_or_else(|| "T1".into()),
        owner: NewUser {
            name,
            email,
            role: Some(Role::Admin),
            pin: Some(pin),
            ..NewUser::default()
        },
        payment_methods: sellsync_contract::documents::default_methods(),
        barcode_rules: Vec::new(),
    };
    let till = Till::create(dir, &setup)?;
    out.till_created(&till)
}
