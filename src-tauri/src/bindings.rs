//! The window's TypeScript types, generated from the shell's own: every view a command
//! answers, every input it takes, `Failure`, the events' payloads and the commands' names,
//! into `ui/src/lib/bindings.ts`. The test below fails while the committed file differs
//! from what the shell would generate (a field renamed in Rust is then a type error in the
//! window, found by `npm run check`, not by an end-to-end test); it writes the file anew
//! when `SELLSYNC_BINDINGS=write` is set:
//!
//! ```text
//! SELLSYNC_BINDINGS=write cargo test -p sellsync-desktop bindings
//! ```

use std::any::TypeId;
use std::collections::HashSet;
use std::path::Path;

use ts_rs::{Config, TypeVisitor, TS};

use crate::commands::{purchasing, returns, sell, settings, stock, transfers};
use crate::views::*;

/// Collects the declarations of a type and of everything it names, once each.
struct Declarations<'a> {
    config: &'a Config,
    seen: HashSet<TypeId>,
    out: Vec<(String, String)>,
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only derived types are declared; `string`, `number`, arrays and the like are not.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let docs = T::docs().unwrap_or_default();
        let decl = format!("{docs}export {}", T::decl(self.config));
        self.out.push((T::ident(self.config), decl));
        T::visit_dependencies(self);
    }
}

/// What `ui/src/lib/bindings.ts` should hold.
fn generated() -> String {
    // serde_json writes every integer as a JSON number.
    let config = Config::new().with_large_int("number");
    let mut declarations = Declarations {
        config: &config,
        seen: HashSet::new(),
        out: Vec::new(),
    };
    let d = &mut declarations;
    // What the commands answer and the events carry.
    d.visit::<Failure>();
    d.visit::<AppState>();
    d.visit::<UserView>();
    d.visit::<CartView>();
    d.visit::<ProductView>();
    d.visit::<QuickKeysView>();
    d.visit::<PaymentMethodView>();
    d.visit::<PayView>();
    d.visit::<StatusView>();
    d.visit::<StockView>();
    d.visit::<SupplierView>();
    d.visit::<OrderView>();
    d.visit::<NotificationView>();
    d.visit::<ProductForm>();
    d.visit::<SettingsView>();
    d.visit::<ParkedView>();
    d.visit::<BreakdownView>();
    d.visit::<ReportView>();
    d.visit::<ShiftView>();
    d.visit::<ReturnableView>();
    d.visit::<ReturnPreviewView>();
    d.visit::<ReturnDoneView>();
    d.visit::<StoreView>();
    d.visit::<TransferView>();
    d.visit::<CountView>();
    d.visit::<PostedCountView>();
    // What the commands take.
    d.visit::<sell::TenderInput>();
    d.visit::<stock::ProductInput>();
    d.visit::<stock::CorrectionInput>();
    d.visit::<purchasing::ReceivedInput>();
    d.visit::<transfers::ScannedInput>();
    d.visit::<returns::ReturnInput>();
    d.visit::<returns::NoReceiptLineInput>();
    d.visit::<returns::ApprovalInput>();
    d.visit::<settings::PrinterInput>();
    d.visit::<settings::ScaleInput>();
    d.visit::<stock::FamilyInput>();

    let mut out = String::from(
        "// Generated from the desktop shell's Rust types by src-tauri/src/bindings.rs: do not\n\
         // edit. `SELLSYNC_BINDINGS=write cargo test -p sellsync-desktop bindings` writes it anew.\n\n",
    );
    declarations.out.sort();
    for (_, decl) in &declarations.out {
        out.push_str(decl);
        out.push_str("\n\n");
    }
    out.push_str("/** The name of every command the shell answers. */\nexport type Command =\n");
    let mut names = crate::COMMAND_NAMES.to_vec();
    names.sort();
    for name in names {
        out.push_str(&format!("  | \"{name}\"\n"));
    }
    out.push_str(";\n");
    out
}

#[test]
fn bindings_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    let wanted = generated();
    if std::env::var("SELLSYNC_BINDINGS").as_deref() == Ok("write") {
        std::fs::write(&path, &wanted).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == wanted,
        "ui/src/lib/bindings.ts is not what the shell's types generate: run \
         `SELLSYNC_BINDINGS=write cargo test -p sellsync-desktop bindings` and commit it"
    );
}
