//! The tills' journals as central holds them: every till of a business, its entries in
//! sequence order, checked by the same hash chain the till checks (`journal_chain`). An
//! accountant or the operator of the central service runs it without any till at hand;
//! the gateway serves the same check.
//!
//! Central can vouch for the chain only: that no entry it holds was changed, removed or
//! put out of order since the till wrote it. That an entry says what the till's rows say
//! is checked on the till (`Till::verify_journal`). A till's entries still in its outbox
//! are simply not there yet: its chain ends earlier, unbroken.

use bson::{doc, Document};
use sellsync_contract::documents::{field, Collection, JournalEntryDoc};
use sellsync_contract::journal_chain::{self as chain, Broken, Entry};
use sellsync_contract::Id;
use tracing::{info, warn};

use crate::database::Central;
use crate::error::Result;

/// One till's journal as central holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentralJournal {
    pub till_id: Id,
    /// The store its entries name (none when not one of them can be read).
    pub store_id: Option<Id>,
    /// Entries central holds for the till.
    pub entries: usize,
    /// The first entry that does not check out, if one does not.
    pub broken: Option<Broken>,
}

/// A till's entries as they are read, in sequence order.
struct Reading {
    journal: CentralJournal,
    chain: Vec<Entry>,
    /// The sequence number of the first entry that could not be read.
    unreadable: Option<i64>,
}

impl Reading {
    fn new(till_id: Id) -> Reading {
        Reading {
            journal: CentralJournal {
                till_id,
                store_id: None,
                entries: 0,
                broken: None,
            },
            chain: Vec::new(),
            unreadable: None,
        }
    }

    fn add(&mut self, document: &Document) {
        self.journal.entries += 1;
        match JournalEntryDoc::from_document(document) {
            Ok(read) => {
                self.journal.store_id = Some(read.store_id);
                self.chain.push(read.entry);
            }
            Err(refusal) => {
                warn!(%refusal, "a journal entry central holds cannot be read");
                let seq = document
                    .get_i64(field::SEQ)
                    .unwrap_or(self.journal.entries as i64);
                self.unreadable.get_or_insert(seq);
            }
        }
    }

    /// The chain checked: the first entry that fails, or the first unreadable one if it
    /// comes before.
    fn finish(mut self) -> CentralJournal {
        self.journal.broken = match (chain::verify(&self.chain).err(), self.unreadable) {
            (Some(b), Some(seq)) if b.seq < seq => Some(b),
            (_, Some(seq)) => Some(Broken {
                seq,
                why: "the entry cannot be read",
            }),
            (broken, None) => broken,
        };
        self.journal
    }
}

/// Checks the journal of every till of `business` that central holds entries of, in the
/// order of the tills' ids.
pub async fn verify_journals(central: &Central, business: Id) -> Result<Vec<CentralJournal>> {
    let mut cursor = central
        .database()
        .collection::<Document>(Collection::JournalEntries.name())
        .find(doc! { field::BUSINESS_ID: business.object_id() })
        .sort(doc! { field::TILL_ID: 1, field::SEQ: 1 })
        .await
        .map_err(|e| central.classify(e))?;
    let mut journals = Vec::new();
    let mut current: Option<Reading> = None;
    while cursor.advance().await.map_err(|e| central.classify(e))? {
        let document = cursor.deserialize_current()?;
        let Ok(till) = document.get_object_id(field::TILL_ID).map(Id::from) else {
            warn!(entry = ?document.get(field::ID), "a journal entry names no till");
            continue;
        };
        if current.as_ref().is_some_and(|r| r.journal.till_id != till) {
            journals.extend(current.take().map(Reading::finish));
        }
        current
            .get_or_insert_with(|| Reading::new(till))
            .add(&document);
    }
    journals.extend(current.map(Reading::finish));
    let broken = journals.iter().filter(|j| j.broken.is_some()).count();
    info!(tills = journals.len(), broken, "journals checked centrally");
    Ok(journals)
}
