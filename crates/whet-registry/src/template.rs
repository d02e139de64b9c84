//! MiniJinja glue: one place that knows how whet configures the engine.
//!
//! Templates render with strict undefined variables (a typo is an error, not
//! an empty string) and no HTML auto-escaping (prompts are plain text).

use minijinja::{Environment, UndefinedBehavior};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::LazyLock;

/// A template problem with its position inside the template text.
#[derive(Debug, Clone)]
pub struct TemplateError {
    /// What MiniJinja said.
    pub message: String,
    /// Byte range inside the template, when known.
    pub range: Option<Range<usize>>,
}

impl From<minijinja::Error> for TemplateError {
    fn from(e: minijinja::Error) -> Self {
        let mut message = e
            .detail()
            .map_or_else(|| e.kind().to_string(), str::to_owned);
        if let Some(name) = e
            .name()
            .filter(|n| *n != "<string>" && !n.starts_with("message"))
        {
            message = format!("{message} (in `{name}`)");
        }
        Self {
            message,
            range: e.range(),
        }
    }
}

/// An `{% include %}` found in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// The partial's name, `None` when it is an expression.
    pub name: Option<String>,
    /// Where the include tag is.
    pub range: Range<usize>,
    /// `ignore missing`: a missing partial renders as nothing.
    pub ignore_missing: bool,
    /// The expression, when the name is computed.
    pub expr: Option<String>,
}

static INCLUDE: LazyLock<Result<Regex, regex::Error>> = LazyLock::new(|| {
    Regex::new(
        r#"\{%[-+]?\s*include\s+(?:"([^"]*)"|'([^']*)'|([^%]*?))\s*(?:ignore\s+missing\s*)?[-+]?%\}"#,
    )
});

/// Every include tag in `text`, in order.
pub fn includes(text: &str) -> Vec<Include> {
    let Ok(re) = INCLUDE.as_ref() else {
        return Vec::new();
    };
    re.captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let name = c.get(1).or_else(|| c.get(2)).map(|m| m.as_str().to_owned());
            Some(Include {
                name,
                range: whole.range(),
                ignore_missing: c.get(4).is_some(),
                expr: c.get(3).map(|m| m.as_str().trim().to_owned()),
            })
        })
        .collect()
}

static UNSUPPORTED: LazyLock<Result<Regex, regex::Error>> =
    LazyLock::new(|| Regex::new(r"\{%[-+]?\s*(import|from|extends)\b[^%]*%\}"));

/// Tags that load other templates in ways whet does not resolve
/// (`import`, `from`, `extends`), with where they are.
pub fn unsupported_tags(text: &str) -> Vec<(String, Range<usize>)> {
    let Ok(re) = UNSUPPORTED.as_ref() else {
        return Vec::new();
    };
    re.captures_iter(text)
        .filter_map(|c| Some((c.get(1)?.as_str().to_owned(), c.get(0)?.range())))
        .collect()
}

/// Checks a partial name is a plain relative path inside `_partials/`.
pub fn check_partial_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("is empty");
    }
    if name.starts_with('/')
        || name.contains('\\')
        || name
            .split('/')
            .any(|p| p == ".." || p == "." || p.is_empty())
    {
        return Err("must be a plain relative path inside prompts/_partials/");
    }
    Ok(())
}

fn environment<'s>() -> Environment<'s> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// Top-level variables a template reads (loop variables and `set` targets
/// excluded), or its syntax error.
pub fn undeclared_variables(text: &str) -> Result<BTreeSet<String>, TemplateError> {
    let env = environment();
    let globals: BTreeSet<&str> = env.globals().map(|(k, _)| k).collect();
    let t = env.template_from_str(text)?;
    Ok(t.undeclared_variables(false)
        .into_iter()
        .filter(|v| !globals.contains(v.as_str()))
        .collect())
}

static WORD: LazyLock<Result<Regex, regex::Error>> =
    LazyLock::new(|| Regex::new(r"[A-Za-z_][A-Za-z0-9_]*"));

static STRING_LITERAL: LazyLock<Result<Regex, regex::Error>> =
    LazyLock::new(|| Regex::new(r#""[^"]*"|'[^']*'"#));

/// Names a template expression may read as variables: identifiers outside
/// string literals, less Jinja's keywords and literals, and not attributes
/// (`a.b` reads `a`).
pub fn identifiers(expr: &str) -> Vec<String> {
    const KEYWORDS: &[&str] = &[
        "if", "else", "elif", "not", "and", "or", "in", "is", "true", "false", "none", "True",
        "False", "None",
    ];
    let (Ok(word), Ok(strings)) = (WORD.as_ref(), STRING_LITERAL.as_ref()) else {
        return Vec::new();
    };
    let code = strings.replace_all(expr, " ");
    word.find_iter(&code)
        .filter(|m| !code[..m.start()].ends_with('.') && !KEYWORDS.contains(&m.as_str()))
        .map(|m| m.as_str().to_owned())
        .collect()
}

/// Where a variable first appears inside `{{ }}` or `{% %}` in a template.
pub fn find_variable(text: &str, var: &str) -> Option<Range<usize>> {
    let re = WORD.as_ref().ok()?;
    let mut search_from = 0;
    while let Some(open) = text[search_from..].find('{').map(|i| i + search_from) {
        let kind = text.get(open + 1..open + 2)?;
        if kind != "{" && kind != "%" {
            search_from = open + 1;
            continue;
        }
        let close = if kind == "{" { "}}" } else { "%}" };
        let end = text[open..].find(close).map_or(text.len(), |i| open + i);
        if let Some(m) = re.find_iter(&text[open..end]).find(|m| m.as_str() == var) {
            return Some(open + m.start()..open + m.end());
        }
        search_from = end;
    }
    None
}

/// Renders templates with a fixed set of partials.
pub struct Renderer<'s> {
    env: Environment<'s>,
}

impl<'s> Renderer<'s> {
    /// A renderer whose `{% include %}` resolves against `partials`.
    pub fn new(partials: &BTreeMap<String, String>) -> Self {
        let mut env = environment();
        for (name, text) in partials {
            // Names and texts were checked when the prompt was loaded; a failure
            // here resurfaces as "template not found" at render time.
            let _ = env.add_template_owned(name.clone(), text.clone());
        }
        Self { env }
    }

    /// Renders one template.
    pub fn render(
        &self,
        text: &str,
        vars: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<String, TemplateError> {
        let t = self.env.template_from_str(text)?;
        Ok(t.render(vars)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_literal_and_dynamic_includes() {
        let inc =
            includes("a {% include \"brand.j2\" %} b {%- include 'x/y.j2' -%} {% include name %}");
        let names: Vec<_> = inc.iter().map(|i| i.name.clone()).collect();
        assert_eq!(
            names,
            vec![Some("brand.j2".into()), Some("x/y.j2".into()), None]
        );
        assert_eq!(
            &"a {% include \"brand.j2\" %} b"[inc[0].range.clone()],
            "{% include \"brand.j2\" %}"
        );
    }

    #[test]
    fn undeclared_skips_loop_variables_and_globals() {
        let vars = undeclared_variables(
            "{% for x in items %}{{ x }} {{ range(3) }}{% endfor %}{{ user.name }}",
        )
        .unwrap();
        assert_eq!(
            vars,
            BTreeSet::from(["items".to_owned(), "user".to_owned()])
        );
    }

    #[test]
    fn finds_a_variable_inside_tags_only() {
        let t = "message: {{ message }}";
        assert_eq!(find_variable(t, "message"), Some(12..19));
        assert_eq!(find_variable("{{ x }}", "y"), None);
    }

    #[test]
    fn partial_names_stay_inside_the_partials_folder() {
        assert!(check_partial_name("a/b.j2").is_ok());
        assert!(check_partial_name("../secret").is_err());
        assert!(check_partial_name("/etc/passwd").is_err());
    }

    #[test]
    fn strict_undefined_is_an_error() {
        let r = Renderer::new(&BTreeMap::new());
        let err = r
            .render("{{ missing }}", &serde_json::Map::new())
            .unwrap_err();
        assert!(err.message.contains("undefined"), "{}", err.message);
    }
}
