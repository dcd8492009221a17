//! Cursor pagination, pure: a page is the documents after the cursor in `_id` order; the
//! cursor is the last one's `_id`, opaque to callers. Stable while documents are added
//! (a new one lands after the cursor or before it, never twice), unlike offsets.

use bson::oid::ObjectId;
use bson::{doc, Document};
use sellsync_contract::documents::field;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// Documents per page unless asked otherwise, and at most.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// Which page.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Documents per page (1 to 200; 50 by default).
    pub limit: Option<u32>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// A page of documents.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page {
    #[schema(value_type = Vec<Object>)]
    pub data: Vec<Value>,
    /// Where the next page starts; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A cursor that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCursor;

/// A page size outside 1 to [`MAX_LIMIT`]: refused, never clamped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLimit;

impl Paging {
    /// The page's size: as asked (1 to [`MAX_LIMIT`]), else [`DEFAULT_LIMIT`].
    pub fn limit(&self) -> Result<u32, BadLimit> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
            Some(_) => Err(BadLimit),
        }
    }

    /// The filter of the documents after the cursor.
    pub fn after(&self) -> Result<Option<Document>, BadCursor> {
        match self.cursor.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(cursor) => ObjectId::parse_str(cursor)
                .map(|id| Some(doc! { field::ID: { "$gt": id } }))
                .map_err(|_| BadCursor),
        }
    }

    /// The page of `limit` documents of `found` (read with `limit + 1`, in `_id` order),
    /// shown by `show`.
    pub fn page(limit: u32, mut found: Vec<Document>, show: impl Fn(&Document) -> Value) -> Page {
        let limit = limit as usize;
        let more = found.len() > limit;
        found.truncate(limit);
        let next_cursor = more
            .then(|| found.last().and_then(|d| d.get_object_id(field::ID).ok()))
            .flatten()
            .map(|id| id.to_hex());
        Page {
            data: found.iter().map(show).collect(),
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_says_where_the_next_one_starts() {
        let ids: Vec<ObjectId> = (0..3).map(|_| ObjectId::new()).collect();
        let docs: Vec<Document> = ids.iter().map(|id| doc! { "_id": id }).collect();
        let page = Paging::page(2, docs.clone(), |d| Value::String(d.to_string()));
        assert_eq!(page.data.len(), 2);
        assert_eq!(page.next_cursor, Some(ids[1].to_hex()));
        let last = Paging {
            limit: Some(2),
            cursor: page.next_cursor,
        };
        assert_eq!(
            last.after().unwrap(),
            Some(doc! { "_id": { "$gt": ids[1] } })
        );
        assert_eq!(
            Paging::page(2, docs[2..].to_vec(), |_| Value::Null).next_cursor,
            None
        );
        let bad = Paging {
            limit: Some(0),
            cursor: Some("page-2".into()),
        };
        assert_eq!(bad.after(), Err(BadCursor));
        assert_eq!(bad.limit(), Err(BadLimit), "refused, not taken as 1");
        assert_eq!(Paging::default().limit(), Ok(DEFAULT_LIMIT));
        let huge = Paging {
            limit: Some(MAX_LIMIT + 1),
            cursor: None,
        };
        assert_eq!(huge.limit(), Err(BadLimit), "refused, not clamped");
    }
}
