//! The blind close, pure: what the till does with a count of the drawer when it never showed
//! the cash it expects. A count within the business's limit closes the shift. The first
//! count off by more is counted again, without a word of how far off or which way; a second
//! count off (or the same count entered again), and any count after two off, needs a
//! manager. So the expected cash cannot be learnt from the till, and a cashier who miscounted
//! once closes after a good recount. Table-tested below.

use sellsync_contract::cash_count::CashCount;
use sellsync_contract::money::Money;
use sellsync_contract::z_report::DrawerCount;

/// What a count of the drawer leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The shift closes.
    Close,
    /// Count the drawer again (unless a manager approves the count as it is).
    CountAgain,
    /// A manager approves the difference (a manager closing approves their own).
    Approve,
}

/// What `count`, off the expected cash by `over_short`, leads to after the counts `earlier`
/// of the same close; and whether it is a new count to record (else it repeats the last one
/// recorded: the same count entered again, with a manager's PIN or without).
pub fn verdict(
    earlier: &[DrawerCount],
    count: &CashCount,
    over_short: Money,
    limit: Money,
) -> (Verdict, bool) {
    let off = |difference: Money| difference.minor().abs() > limit.minor();
    let repeated = earlier.last().is_some_and(|last| last.counted == *count);
    let earlier_off = earlier.iter().filter(|c| off(c.over_short)).count();
    let verdict = match (off(over_short), earlier_off) {
        (false, 0 | 1) => Verdict::Close,
        (true, 0) => Verdict::CountAgain,
        _ => Verdict::Approve,
    };
    (verdict, !repeated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sellsync_contract::ids::{self, Id};

    const LIMIT: Money = Money::from_minor(500);

    fn count(total: i64) -> CashCount {
        CashCount::amount(Money::from_minor(total)).unwrap()
    }

    /// A count of `total` recorded against an expected 100.00.
    fn recorded(total: i64) -> DrawerCount {
        DrawerCount {
            counted: count(total),
            over_short: Money::from_minor(total - 10_000),
            counted_by: Id::new(),
            counted_by_name: "Ann".into(),
            counted_at: ids::now(),
        }
    }

    fn verdict_of(earlier: &[i64], total: i64) -> (Verdict, bool) {
        let earlier: Vec<DrawerCount> = earlier.iter().map(|&t| recorded(t)).collect();
        verdict(
            &earlier,
            &count(total),
            Money::from_minor(total - 10_000),
            LIMIT,
        )
    }

    #[test]
    fn counts_against_an_expected_hundred_with_five_allowed() {
        use Verdict::*;
        let table: [(&[i64], i64, Verdict, bool); 10] = [
            (&[], 10_000, Close, true),
            (&[], 9_500, Close, true),       // 5.00 short: within the limit
            (&[], 10_501, CountAgain, true), // 5.01 over
            (&[], 5_000, CountAgain, true),
            (&[5_000], 5_000, Approve, false), // the same count again
            (&[5_000], 5_100, Approve, true),  // a recount, still off
            (&[5_000], 9_800, Close, true),    // a good recount
            (&[5_000, 5_100], 10_000, Approve, true), // right after two off: a manager
            (&[5_000, 5_100], 5_100, Approve, false), // the second count, approved
            (&[9_000, 10_000], 10_000, Close, false),
        ];
        for (earlier, total, wanted, new) in table {
            assert_eq!(
                verdict_of(earlier, total),
                (wanted, new),
                "{total} after {earlier:?}"
            );
        }
    }
}
