//! Ids made on the till: ObjectIds for documents, UUIDv7 for outbox operations.
//!
//! Nothing waits for the server to hand out an id, and ids from different tills never
//! collide: an ObjectId carries a timestamp, a per-process random value and a counter.

use std::fmt;
use std::str::FromStr;

use bson::oid::ObjectId;
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// The id of a document (`_id`), stored locally as 24 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(ObjectId);

impl Id {
    /// A new, globally unique id.
    pub fn new() -> Id {
        Id(ObjectId::new())
    }

    /// The id every till derives alike from `subject` (a description of what the
    /// document is, not of who made it): tills that make the same document offline make
    /// it with the same id, so central holds it once.
    pub fn derived(subject: &str) -> Id {
        let digest = Sha256::digest(subject.as_bytes());
        let mut bytes = [0_u8; 12];
        bytes.copy_from_slice(&digest[..12]);
        Id(ObjectId::from_bytes(bytes))
    }

    pub fn object_id(self) -> ObjectId {
        self.0
    }
}

impl From<ObjectId> for Id {
    fn from(id: ObjectId) -> Id {
        Id(id)
    }
}

impl Default for Id {
    fn default() -> Self {
        Id::new()
    }
}

impl FromStr for Id {
    type Err = bson::oid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ObjectId::parse_str(s.trim()).map(Id)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_hex())
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0.to_hex())
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_hex())
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A till keeps ids in SQLite as their 24 hex digits (the `rusqlite` feature, which the
/// till's core turns on; the gateway leaves it off and links no SQLite).
#[cfg(feature = "rusqlite")]
mod sqlite {
    use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

    use super::Id;

    impl ToSql for Id {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(ToSqlOutput::from(self.0.to_hex()))
        }
    }

    impl FromSql for Id {
        fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
            value
                .as_str()?
                .parse()
                .map_err(|e| FromSqlError::Other(Box::new(e)))
        }
    }
}

/// A new operation id for the outbox: UUIDv7, so ids sort by creation time.
pub fn new_op_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// The current moment, to the millisecond: the precision the till stores, so that a
/// record built in memory equals the same record read back.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// How the till writes a moment: UTC, RFC 3339 with milliseconds, fixed width, so that
/// text order is time order.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a moment written by [`timestamp`].
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let ids: std::collections::HashSet<Id> = (0..10_000).map(|_| Id::new()).collect();
        assert_eq!(ids.len(), 10_000);
        let id = Id::new();
        assert_eq!(id.to_string().len(), 24);
        assert_eq!(id.to_string().parse::<Id>().unwrap(), id);
        assert!("not-an-id".parse::<Id>().is_err());
    }

    #[test]
    fn op_ids_are_v7_and_ordered() {
        let a = new_op_id();
        let b = new_op_id();
        assert_eq!(a.get_version_num(), 7);
        assert!(a < b);
    }

    #[test]
    fn timestamps_sort_as_text() {
        let t1 = parse_timestamp("2026-11-25T09:00:00.5Z").unwrap();
        let t2 = parse_timestamp("2026-11-25T10:00:00Z").unwrap();
        assert!(timestamp(t1) < timestamp(t2));
        assert_eq!(timestamp(t1), "2026-11-25T09:00:00.500Z");
        assert_eq!(parse_timestamp(&timestamp(t2)).unwrap(), t2);
    }
}
