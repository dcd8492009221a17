//! The till's side of sync: pending operations in commit order, delivery, parking, and a
//! manager's retry or discard.

mod common;

use common::{count, shop, snapshot};
use sellsync_contract::documents::{Collection, Op};
use sellsync_core::db::outbox::DeliveryState;
use sellsync_core::{Error, Permission};

#[test]
fn operations_flow_in_commit_order_and_park_without_blocking() {
    let mut s = shop();
    let all = s.till.pending_operations(100_000).unwrap();
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(all[0].collection, Collection::Businesses);
    assert_eq!(all[0].op, Op::Insert);
    assert_eq!(
        all[0].payload.get_object_id("_id").unwrap(),
        s.till.business().id.object_id()
    );
    let status = s.till.sync_status().unwrap();
    assert_eq!(status.pending, all.len() as i64);
    assert_eq!(status.last_success_at, None);
    assert!(status.oldest_pending_at.is_some());

    // The first three are delivered, the fourth is refused for good.
    let seqs: Vec<i64> = all[..3].iter().map(|op| op.seq).collect();
    s.till.mark_delivered(&seqs).unwrap();
    s.till
        .park_operation(all[3].seq, "duplicate key (code 11000)")
        .unwrap();
    let next = s.till.pending_operations(1).unwrap();
    assert_eq!(next[0].seq, all[4].seq, "a parked operation never blocks");
    let status = s.till.sync_status().unwrap();
    // Four fewer, and one more: the notification to managers travels too.
    assert_eq!(status.pending, all.len() as i64 - 4 + 1);
    assert_eq!(status.parked, 1);
    let note = &s.till.notifications(true, 1).unwrap()[0];
    assert_eq!(note.kind, "sync_parked");
    assert!(note.message.contains("duplicate key"), "{}", note.message);

    s.till.record_sync_attempt(Err("cannot reach db1")).unwrap();
    let status = s.till.sync_status().unwrap();
    assert_eq!(status.last_error.as_deref(), Some("cannot reach db1"));
    assert_eq!(status.last_success_at, None);
    s.till.record_sync_attempt(Ok(())).unwrap();
    let status = s.till.sync_status().unwrap();
    assert_eq!(status.last_error, None);
    assert!(status.last_success_at.is_some());

    // A cashier may not touch it; a manager retries it, then it can be parked again and
    // discarded.
    let before = snapshot(s.dir.path());
    assert!(matches!(
        s.till.retry_parked(&s.cashier, all[3].seq),
        Err(Error::PermissionDenied {
            permission: Permission::ManageSync,
            ..
        })
    ));
    assert!(matches!(
        s.till.retry_parked(&s.manager, all[5].seq),
        Err(Error::NotParked(_))
    ));
    assert!(matches!(
        s.till.discard_parked(&s.manager, 999_999),
        Err(Error::NoSuchOperation(999_999))
    ));
    assert_eq!(snapshot(s.dir.path()), before);
    s.till.retry_parked(&s.manager, all[3].seq).unwrap();
    assert_eq!(s.till.pending_operations(1).unwrap()[0].seq, all[3].seq);
    s.till.park_operation(all[3].seq, "still refused").unwrap();
    s.till.discard_parked(&s.manager, all[3].seq).unwrap();
    let entry = s
        .till
        .outbox(&s.manager, false, 100_000)
        .unwrap()
        .into_iter()
        .find(|e| e.seq == all[3].seq)
        .unwrap();
    assert_eq!(entry.state, DeliveryState::Discarded);
    assert_eq!(entry.last_error.as_deref(), Some("still refused"));
    assert!(count(s.dir.path(), "outbox") > all.len() as i64, "kept");
}

#[test]
fn a_refused_notification_is_parked_without_raising_another() {
    let mut s = shop();
    let first = s.till.pending_operations(1).unwrap()[0].seq;
    s.till.park_operation(first, "refused").unwrap();
    // The notification that parking raised is refused in turn: no third one.
    let note = s
        .till
        .pending_operations(100_000)
        .unwrap()
        .into_iter()
        .rfind(|op| op.collection == Collection::Notifications)
        .unwrap();
    let rows = count(s.dir.path(), "outbox");
    s.till
        .park_operation(note.seq, "notifications refused")
        .unwrap();
    assert_eq!(count(s.dir.path(), "outbox"), rows, "nothing new to send");
    assert_eq!(s.till.sync_status().unwrap().parked, 2);
}

#[test]
fn the_outbox_as_shown_never_holds_a_hash() {
    let s = shop();
    assert!(matches!(
        s.till.outbox(&s.cashier, false, 1),
        Err(Error::PermissionDenied {
            permission: Permission::ManageSync,
            ..
        })
    ));
    let shown: String = (s.till.outbox(&s.manager, false, 100_000).unwrap())
        .iter()
        .map(|entry| entry.payload.to_string())
        .collect();
    assert!(shown.contains("pin_hash"), "the field is listed");
    assert!(!shown.contains("$argon2"), "but never its value");
    // What the engine sends still carries the hashes: other tills sign in with them.
    let sent = s.till.pending_operations(100_000).unwrap();
    assert!(sent.iter().any(|op| op
        .payload
        .get_str("pin_hash")
        .is_ok_and(|h| h.starts_with("$argon2"))));
}
