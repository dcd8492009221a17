//! The till's tamper-evident journal (NF525, KassenSichV): every sale, return, void,
//! removed line, drawer opening, cash movement and shift event appended as one entry of a
//! gapless sequence, each entry holding the SHA-256 of its content and of the entry before
//! it. Changing, deleting or reordering any entry breaks the chain at that entry.
//!
//! `chain` is the pure part: making the next entry and checking a sequence. Storing the
//! entries with each change and re-deriving their content from the till's rows come next.

pub mod chain;
