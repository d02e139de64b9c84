//! The few JavaScript behaviours promptfoo's verdicts and reasons depend on:
//! what `\s` means, how a number prints, `toFixed`, `toPrecision`, and
//! `util.isDeepStrictEqual` on parsed JSON.

use serde_json::Value;

/// JavaScript's `\s` (and `String.prototype.trim`): ECMAScript WhiteSpace
/// plus LineTerminator. Unlike `char::is_whitespace`, it includes U+FEFF and
/// excludes U+0085.
pub(crate) fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// `s.trim()` as JavaScript trims.
pub(crate) fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_space)
}

/// `s.trim().split(/\s+/)`, which yields `[""]` for a blank string.
pub(crate) fn js_split_words(s: &str) -> impl Iterator<Item = &str> {
    let t = js_trim(s);
    let blank = t.is_empty();
    t.split(is_js_space)
        .filter(move |w| blank || !w.is_empty())
        .take(if blank { 1 } else { usize::MAX })
}

/// The number of whitespace-separated words, as promptfoo's `word-count`
/// counts them (a blank string has none).
pub(crate) fn count_words(s: &str) -> usize {
    s.split(is_js_space).filter(|w| !w.is_empty()).count()
}

/// `String(x)` for a finite number: integers without a fraction, the shortest
/// round-tripping decimal otherwise, exponent form outside [1e-6, 1e21).
pub(crate) fn number(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".to_owned()
        } else if x > 0.0 {
            "Infinity".to_owned()
        } else {
            "-Infinity".to_owned()
        };
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let a = x.abs();
    if (1e-6..1e21).contains(&a) {
        // Rust's `Display` prints the shortest round-tripping digits without
        // an exponent, which is what JavaScript does in this range.
        format!("{x}")
    } else {
        let s = format!("{x:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    }
}

/// `x.toFixed(d)`.
pub(crate) fn to_fixed(x: f64, d: usize) -> String {
    format!("{x:.d$}")
}

/// `x.toPrecision(p)` for `p >= 1`.
pub(crate) fn to_precision(x: f64, p: usize) -> String {
    if !x.is_finite() {
        return number(x);
    }
    if x == 0.0 {
        return if p > 1 {
            format!("0.{}", "0".repeat(p - 1))
        } else {
            "0".to_owned()
        };
    }
    // The exponent after rounding to p significant digits.
    let sci = format!("{:.*e}", p.saturating_sub(1), x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let e: i32 = exp.parse().unwrap_or(0);
    let p_i = i32::try_from(p).unwrap_or(i32::MAX);
    if e < -6 || e >= p_i {
        let sign = if e < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{}", e.abs())
    } else {
        let decimals = usize::try_from(p_i - 1 - e).unwrap_or(0);
        format!("{x:.decimals$}")
    }
}

/// `util.isDeepStrictEqual` on two values that came out of `JSON.parse`:
/// numbers compare by value (`1` equals `1.0`), object keys in any order.
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => x == y,
        },
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| deep_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        _ => false,
    }
}

/// `JSON.stringify(v)`: compact, keys in insertion order.
pub(crate) fn stringify(v: &Value) -> String {
    // Serializing a `Value` cannot fail: its map keys are strings.
    serde_json::to_string(v).unwrap_or_default()
}

/// `String(v)` for a scalar assertion value: strings as they are, numbers as
/// JavaScript prints them, booleans as `true`/`false`.
pub(crate) fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.as_f64().map_or_else(|| n.to_string(), number)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_javascript_does() {
        assert_eq!(number(5.0), "5");
        assert_eq!(number(0.75), "0.75");
        assert_eq!(number(0.001), "0.001");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(1e-7), "1e-7");
        assert_eq!(number(1e21), "1e+21");
        assert_eq!(number(123_456_789.0), "123456789");
    }

    #[test]
    fn to_precision_matches_javascript() {
        assert_eq!(to_precision(0.002, 2), "0.0020");
        assert_eq!(to_precision(0.02, 2), "0.020");
        assert_eq!(to_precision(123.0, 2), "1.2e+2");
        assert_eq!(to_precision(1.5, 2), "1.5");
        assert_eq!(to_precision(0.000_000_12, 2), "1.2e-7");
        assert_eq!(to_precision(0.0, 2), "0.0");
    }

    #[test]
    fn split_words_matches_javascript() {
        assert_eq!(js_split_words("").collect::<Vec<_>>(), vec![""]);
        assert_eq!(js_split_words("  ").collect::<Vec<_>>(), vec![""]);
        assert_eq!(
            js_split_words(" a  b\tc ").collect::<Vec<_>>(),
            vec!["a", "b", "c"]
        );
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("a\u{85}b"), 1);
        assert_eq!(count_words("a\u{feff}b"), 2);
    }

    #[test]
    fn deep_equal_ignores_key_order_and_number_form() {
        let a: Value = serde_json::json!({"a": 1, "b": [1.0, {"c": null}]});
        let b: Value = serde_json::from_str(r#"{"b": [1, {"c": null}], "a": 1.0}"#).unwrap();
        assert!(deep_equal(&a, &b));
        assert!(!deep_equal(&a, &serde_json::json!({"a": 1})));
    }
}
