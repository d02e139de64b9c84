//! Token sampling: greedy or seeded temperature/top-p, optionally
//! constrained by a grammar.

use crate::error::LocalError;
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;

/// How a request picks its tokens.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SamplingParams {
    /// `None` or `<= 0` is greedy.
    pub(crate) temperature: Option<f64>,
    /// Nucleus sampling, when in (0, 1).
    pub(crate) top_p: Option<f64>,
    /// The random seed (a fresh random one when absent).
    pub(crate) seed: Option<u64>,
}

/// A sampler chain plus an optional grammar.
///
/// The grammar is checked lazily, as llama.cpp's own samplers do: a token is
/// drawn from the unconstrained distribution and kept if the grammar allows
/// it; only otherwise is the grammar applied to the whole vocabulary and the
/// token drawn again. That is rejection sampling, so the result follows the
/// constrained distribution exactly, while most steps cost one grammar check
/// instead of one per vocabulary entry.
pub(crate) struct Sampler {
    chain: LlamaSampler,
    grammar: Option<LlamaSampler>,
}

impl Sampler {
    /// A sampler for `params`, constrained by `grammar` (GBNF, root rule
    /// `root`) when given.
    pub(crate) fn new(
        model: &LlamaModel,
        params: &SamplingParams,
        grammar: Option<&str>,
    ) -> Result<Self, LocalError> {
        let grammar = grammar
            .map(|g| {
                LlamaSampler::grammar(model, g, "root").map_err(|e| LocalError::Grammar {
                    what: "the requested response format".to_owned(),
                    message: format!("llama.cpp rejected the grammar ({e})"),
                })
            })
            .transpose()?;
        #[expect(clippy::cast_possible_truncation, reason = "llama.cpp samples in f32")]
        let temperature = params.temperature.unwrap_or(0.0) as f32;
        let chain = if temperature > 0.0 {
            let mut chain = vec![LlamaSampler::temp(temperature)];
            if let Some(top_p) = params.top_p.filter(|p| *p > 0.0 && *p < 1.0) {
                #[expect(clippy::cast_possible_truncation, reason = "llama.cpp samples in f32")]
                chain.push(LlamaSampler::top_p(top_p as f32, 1));
            }
            chain.push(LlamaSampler::dist(seed32(params.seed)));
            LlamaSampler::chain_simple(chain)
        } else {
            LlamaSampler::greedy()
        };
        Ok(Sampler { chain, grammar })
    }

    /// The next token, from the last logits of `ctx`.
    pub(crate) fn sample(&mut self, ctx: &LlamaContext<'_>) -> Result<LlamaToken, LocalError> {
        let token = self.chain.sample(ctx, -1);
        let Some(grammar) = &mut self.grammar else {
            return Ok(token);
        };
        let mut single =
            LlamaTokenDataArray::new(vec![LlamaTokenData::new(token, 1.0, 0.0)], false);
        grammar.apply(&mut single);
        let allowed = single.data.first().is_some_and(|d| d.logit().is_finite());
        let token = if allowed {
            token
        } else {
            let mut all = ctx.token_data_array_ith(-1);
            grammar.apply(&mut all);
            self.chain.apply(&mut all);
            all.selected_token().ok_or_else(|| LocalError::Decode {
                message: "the grammar allows no token here".to_owned(),
            })?
        };
        grammar.accept(token);
        Ok(token)
    }
}

/// llama.cpp seeds are 32 bits: fold the request's 64 (random when absent).
fn seed32(seed: Option<u64>) -> u32 {
    match seed {
        #[expect(clippy::cast_possible_truncation, reason = "folding 64 bits into 32")]
        Some(s) => (s ^ (s >> 32)) as u32,
        None => fastrand::u32(..),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_fold_to_32_bits() {
        assert_eq!(seed32(Some(42)), 42);
        assert_ne!(seed32(Some(1 << 40)), seed32(Some(1 << 41)));
    }
}
