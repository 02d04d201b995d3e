//! The run rate now: what the domain's running apps cost an hour, added up. An app whose price
//! is not known (no instance type, or one no price table lists) is counted as running but not
//! priced, and the total then says it is a lower bound.

use serde::Serialize;

use super::{rate_usd, usd};

/// The apps' prices added up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RunRate {
    /// US dollars an hour of the running apps that have a price.
    pub per_hour: f64,
    /// Apps that bill now (Pending or InService).
    pub running: usize,
    /// Of those, the ones without a price.
    pub unpriced: usize,
}

impl RunRate {
    /// Add up `(bills, price)` per app; apps that do not bill count for nothing.
    pub fn of(apps: impl IntoIterator<Item = (bool, Option<f64>)>) -> RunRate {
        let mut out = RunRate::default();
        for (bills, price) in apps {
            if !bills {
                continue;
            }
            out.running += 1;
            match price {
                Some(p) => out.per_hour += p,
                None => out.unpriced += 1,
            }
        }
        out
    }

    /// The total is only a lower bound: a running app has no known price.
    pub fn is_lower_bound(&self) -> bool {
        self.unpriced > 0
    }

    /// "$0.10 an hour", or "at least $0.10 an hour" when a running app has no known price.
    pub fn phrase(&self) -> String {
        let at_least = if self.is_lower_bound() {
            "at least "
        } else {
            ""
        };
        format!("{at_least}{} an hour", usd(self.per_hour))
    }
}

/// An app's hourly price as the tables show it: "$0.050/h", or "price unknown".
pub fn hourly(price: Option<f64>) -> String {
    price.map_or_else(
        || "price unknown".to_string(),
        |p| format!("{}/h", rate_usd(p)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_billing_apps_count_and_an_unpriced_one_makes_a_lower_bound() {
        let r = RunRate::of([(true, Some(0.05)), (false, Some(1.0)), (true, Some(0.2))]);
        assert_eq!((r.running, r.unpriced), (2, 0));
        assert!((r.per_hour - 0.25).abs() < 1e-9);
        assert_eq!(r.phrase(), "$0.25 an hour");
        let r = RunRate::of([(true, Some(0.05)), (true, None), (false, None)]);
        assert_eq!((r.running, r.unpriced), (2, 1));
        assert!(r.is_lower_bound());
        assert_eq!(r.phrase(), "at least $0.05 an hour");
        assert_eq!(RunRate::of([]).phrase(), "$0.00 an hour");
    }

    #[test]
    fn hourly_prices_read_as_rates() {
        assert_eq!(hourly(Some(0.05)), "$0.050/h");
        assert_eq!(hourly(Some(1.2345)), "$1.2345/h");
        assert_eq!(hourly(None), "price unknown");
    }
}
