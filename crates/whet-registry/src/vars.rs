//! Template variable values: parsing `--var k=v`, reading vars files, and
//! checking values against the prompt's declarations before rendering.

use crate::diag::did_you_mean;
use crate::spec::{VarSpec, VarType};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use thiserror::Error;

/// One or more problems with the values given for a prompt's variables.
#[derive(Debug, Error)]
pub struct VarsError {
    /// Each problem, phrased for the user.
    pub problems: Vec<String>,
}

impl fmt::Display for VarsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => f.write_str(one),
            many => {
                write!(f, "{} problems with variables:", many.len())?;
                for p in many {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl VarsError {
    fn one(p: impl Into<String>) -> Self {
        Self {
            problems: vec![p.into()],
        }
    }
}

/// Parses one `--var key=value`, reading the value as the declared type
/// (`number`, `bool`; `list` and `object` as JSON; anything else as text).
pub fn parse_cli_var(
    declared: &BTreeMap<String, VarSpec>,
    arg: &str,
) -> Result<(String, Value), VarsError> {
    let Some((key, raw)) = arg.split_once('=') else {
        return Err(VarsError::one(format!(
            "`--var {arg}` needs the form key=value"
        )));
    };
    let value = match declared.get(key).map(|d| d.kind) {
        Some(VarType::Number) => serde_json::from_str::<serde_json::Number>(raw.trim())
            .map(Value::Number)
            .map_err(|_| {
                VarsError::one(format!(
                    "variable `{key}` is a number, but `{raw}` is not one"
                ))
            })?,
        Some(VarType::Bool) => match raw.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => {
                return Err(VarsError::one(format!(
                    "variable `{key}` is a bool: write `true` or `false`, not `{raw}`"
                )));
            }
        },
        Some(kind @ (VarType::List | VarType::Object)) => {
            serde_json::from_str(raw).map_err(|e| {
                VarsError::one(format!(
                    "variable `{key}` is a {}: give it as JSON ({e})",
                    kind.as_str()
                ))
            })?
        }
        Some(VarType::String) | None => Value::String(raw.to_owned()),
    };
    Ok((key.to_owned(), value))
}

/// Reads a JSON or YAML file holding one object of variables.
pub fn read_vars_file(path: &Path) -> Result<Map<String, Value>, VarsError> {
    let text = fs_err::read_to_string(path).map_err(|e| VarsError::one(e.to_string()))?;
    let is_json = path.extension().is_some_and(|e| e == "json");
    let value: Value = if is_json {
        serde_json::from_str(&text).map_err(|e| {
            VarsError::one(format!(
                "{}:{}:{}: invalid JSON: {e}",
                path.display(),
                e.line(),
                e.column()
            ))
        })?
    } else {
        serde_yaml_ng::from_str(&text).map_err(|e| {
            let at = e
                .location()
                .map_or_else(String::new, |l| format!(":{}:{}", l.line(), l.column()));
            VarsError::one(format!("{}{at}: invalid YAML: {e}", path.display()))
        })?
    };
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(VarsError::one(format!(
            "{}: a vars file must hold one object of `name: value` pairs",
            path.display()
        ))),
    }
}

/// Checks `given` against the declarations and fills in defaults. Reports
/// every unknown, missing and mistyped variable at once.
pub fn bind(
    declared: &BTreeMap<String, VarSpec>,
    given: Map<String, Value>,
) -> Result<Map<String, Value>, VarsError> {
    let mut problems = Vec::new();
    let mut mistyped = Vec::new();
    let mut out = Map::new();
    for (key, value) in given {
        match declared.get(&key) {
            None => {
                let hint = match did_you_mean(&key, declared.keys().map(String::as_str)) {
                    Some(s) => format!("; did you mean `{s}`?"),
                    None if declared.is_empty() => "; this prompt declares no variables".to_owned(),
                    None => format!(
                        "; declared: {}",
                        declared.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                };
                problems.push(format!("unknown variable `{key}`{hint}"));
            }
            Some(spec) if !spec.kind.accepts(&value) => {
                problems.push(format!(
                    "variable `{key}` must be a {}, got {}",
                    spec.kind.as_str(),
                    describe(&value)
                ));
                mistyped.push(key);
            }
            Some(_) => {
                out.insert(key, value);
            }
        }
    }
    for (key, spec) in declared {
        if out.contains_key(key) || mistyped.contains(key) {
            continue;
        }
        match (&spec.default, spec.required) {
            (Some(d), _) => {
                out.insert(key.clone(), d.clone());
            }
            (None, true) => {
                let about = spec
                    .description
                    .as_ref()
                    .map_or_else(String::new, |d| format!(" ({d})"));
                problems.push(format!(
                    "missing required variable `{key}`{about}: pass --var {key}=..."
                ));
            }
            (None, false) => {}
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(VarsError { problems })
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the bool {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn declared() -> BTreeMap<String, VarSpec> {
        let spec = |kind, required, default: Option<Value>| VarSpec {
            kind,
            required,
            default,
            description: None,
            span: None,
        };
        BTreeMap::from([
            ("message".to_owned(), spec(VarType::String, true, None)),
            (
                "limit".to_owned(),
                spec(VarType::Number, true, Some(json!(3))),
            ),
            ("verbose".to_owned(), spec(VarType::Bool, false, None)),
            ("labels".to_owned(), spec(VarType::List, false, None)),
        ])
    }

    #[test]
    fn cli_values_follow_the_declared_type() {
        let d = declared();
        assert_eq!(parse_cli_var(&d, "limit=5").unwrap().1, json!(5));
        assert_eq!(parse_cli_var(&d, "verbose=true").unwrap().1, json!(true));
        assert_eq!(
            parse_cli_var(&d, "labels=[\"a\",\"b\"]").unwrap().1,
            json!(["a", "b"])
        );
        assert_eq!(parse_cli_var(&d, "message=5").unwrap().1, json!("5"));
        assert!(
            parse_cli_var(&d, "limit=five")
                .unwrap_err()
                .to_string()
                .contains("not one")
        );
        assert!(
            parse_cli_var(&d, "novalue")
                .unwrap_err()
                .to_string()
                .contains("key=value")
        );
    }

    #[test]
    fn bind_reports_every_problem_and_fills_defaults() {
        let d = declared();
        let ok = bind(&d, Map::from_iter([("message".to_owned(), json!("hi"))])).unwrap();
        assert_eq!(ok.get("limit"), Some(&json!(3)));
        assert!(!ok.contains_key("verbose"));
        let err = bind(
            &d,
            Map::from_iter([
                ("mesage".to_owned(), json!("hi")),
                ("verbose".to_owned(), json!("yes")),
            ]),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("unknown variable `mesage`; did you mean `message`?"),
            "{text}"
        );
        assert!(
            text.contains("variable `verbose` must be a bool, got the string \"yes\""),
            "{text}"
        );
        assert!(
            text.contains("missing required variable `message`"),
            "{text}"
        );
        assert_eq!(err.problems.len(), 3);
    }
}
