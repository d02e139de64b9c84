//! Cost of a call from a price table (US dollars per million tokens).

use crate::types::Usage;
use serde::{Deserialize, Serialize};

/// Prices of one model, per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Pricing {
    /// Input tokens.
    pub input_per_mtok: f64,
    /// Output tokens.
    pub output_per_mtok: f64,
    /// Input tokens served from the provider's prompt cache; the input price when `None`.
    pub cached_input_per_mtok: Option<f64>,
}

impl Pricing {
    /// The dollars a call with `usage` costs. Cached input tokens are part of
    /// the input tokens and billed at the cached price.
    pub fn cost(&self, usage: &Usage) -> f64 {
        let cached = usage.cached_input_tokens.min(usage.input_tokens);
        let fresh = usage.input_tokens - cached;
        let cached_price = self.cached_input_per_mtok.unwrap_or(self.input_per_mtok);
        #[expect(
            clippy::cast_precision_loss,
            reason = "token counts are far below 2^52"
        )]
        let dollars = (fresh as f64 * self.input_per_mtok
            + cached as f64 * cached_price
            + usage.output_tokens as f64 * self.output_per_mtok)
            / 1e6;
        dollars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_input_is_billed_at_its_own_price() {
        let p = Pricing {
            input_per_mtok: 2.5,
            output_per_mtok: 10.0,
            cached_input_per_mtok: Some(1.25),
        };
        let u = Usage {
            input_tokens: 1_000_000,
            output_tokens: 100_000,
            cached_input_tokens: 400_000,
        };
        // 600k fresh * 2.5 + 400k cached * 1.25 + 100k out * 10 = 1.5 + 0.5 + 1.0
        assert!((p.cost(&u) - 3.0).abs() < 1e-12, "{}", p.cost(&u));
        assert!(Pricing::default().cost(&u).abs() < f64::EPSILON);
    }
}
