//! Defensive look-ups in the analysis outputs' JSON.
//!
//! The KPI, themes and churn stages own their schemas and may add, rename or
//! omit keys; the report must still render. Every look-up therefore tries a
//! list of candidate key paths and treats anything unexpected as missing
//! (shown as "n/a") instead of failing the run.

use serde_json::Value;

/// Follow a dotted path (`first_response_minutes.median`) into `v`.
pub fn path<'v>(v: &'v Value, dotted: &str) -> Option<&'v Value> {
    let mut cur = v;
    for part in dotted.split('.') {
        cur = cur.as_object()?.get(part)?;
    }
    (!cur.is_null()).then_some(cur)
}

/// The first candidate path that exists and is not null.
pub fn pick<'v>(v: &'v Value, candidates: &[&str]) -> Option<&'v Value> {
    candidates.iter().find_map(|c| path(v, c))
}

/// A value as a finite number; numeric strings (from CSV rows) count too.
pub fn as_num(v: &Value) -> Option<f64> {
    let x = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => return None,
    };
    x.is_finite().then_some(x)
}

/// The first candidate path that holds a number.
pub fn num(v: &Value, candidates: &[&str]) -> Option<f64> {
    candidates.iter().find_map(|c| path(v, c).and_then(as_num))
}

/// A value as display text (strings as-is, numbers and booleans printed).
pub fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The first candidate path that holds text (or a scalar printed as text).
pub fn text(v: &Value, candidates: &[&str]) -> Option<String> {
    candidates.iter().find_map(|c| path(v, c).and_then(as_text))
}

/// A list of strings from an array of strings/objects or a `;`/`|`-separated
/// string (CSV cells hold lists that way).
pub fn string_list(v: &Value, object_keys: &[&str]) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|it| match it {
                Value::Object(_) => text(it, object_keys),
                other => as_text(other),
            })
            .collect(),
        Value::String(s) => s
            .split([';', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookups_tolerate_shapes() {
        let v =
            json!({"a": {"b": 2.5, "n": null}, "s": "0.25", "bad": "x", "list": "one; two|three"});
        assert_eq!(num(&v, &["a.n", "a.b"]), Some(2.5));
        assert_eq!(num(&v, &["s"]), Some(0.25));
        assert_eq!(num(&v, &["bad", "missing.deep"]), None);
        assert_eq!(text(&v, &["a.b"]).as_deref(), Some("2.5"));
        assert_eq!(string_list(&v["list"], &[]), vec!["one", "two", "three"]);
        let kw = json!([{"term": "refund", "weight": 0.4}, "late"]);
        assert_eq!(string_list(&kw, &["term"]), vec!["refund", "late"]);
    }
}
