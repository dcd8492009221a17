//! `journal_entries` (Sell Sync's own collection): each till's tamper-evident journal,
//! entry by entry, so that it can be checked centrally too (the chain is
//! `journal_chain`'s: `seq`, `kind`, `at`, `content`, `prev_hash`, `hash`).
//!
//! **`journal_entries`** (Sell Sync's own; `JournalEntryDoc`): one document per entry of a
//! till's journal: `business_id`, `store_id`, `till_id`, `seq`, `kind` (`sale`, `return`,
//! `shift_opened`, `shift_closed`, `cash_in`, `cash_out`, `drawer_opened`), `subject_id`
//! (what it records), `at`, `content` (canonical JSON), `previous` (the previous entry's
//! hash; not named `*_hash`, which the outbox listing hides as secrets) and `hash`.

use bson::{doc, Document};

use super::read::{Read, Reader};
use super::value::oid;
use super::{field, Collection};
use crate::ids::Id;
use crate::journal_chain::Entry;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntryDoc {
    pub id: Id,
    pub business_id: Id,
    pub store_id: Id,
    pub till_id: Id,
    /// The sale, return, shift, cash movement or drawer opening it records.
    pub subject_id: String,
    pub entry: Entry,
}

impl JournalEntryDoc {
    pub fn to_document(&self) -> Document {
        let e = &self.entry;
        doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::STORE_ID: oid(self.store_id),
            field::TILL_ID: oid(self.till_id),
            field::SEQ: e.seq,
            field::KIND: &e.kind,
            field::SUBJECT_ID: &self.subject_id,
            field::AT: &e.at,
            field::CONTENT: &e.content,
            field::PREV_HASH: &e.prev_hash,
            field::HASH: &e.hash,
        }
    }

    /// Refused without its sequence number, kind, time, content or hashes.
    pub fn from_document(doc: &Document) -> Read<JournalEntryDoc> {
        let r = Reader::new(Collection::JournalEntries, doc)?;
        Ok(JournalEntryDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            store_id: r.id_field(field::STORE_ID)?,
            till_id: r.id_field(field::TILL_ID)?,
            subject_id: r.required_text(field::SUBJECT_ID)?,
            entry: Entry {
                seq: r
                    .integer(field::SEQ)?
                    .ok_or_else(|| r.refuse("has no sequence number"))?,
                kind: r.required_text(field::KIND)?,
                at: r.required_text(field::AT)?,
                content: r.required_text(field::CONTENT)?,
                prev_hash: r.required_text(field::PREV_HASH)?,
                hash: r.required_text(field::HASH)?,
            },
        })
    }
}
