//! `is-valid-openai-tools-call` and `is-valid-openai-function-call`: the
//! model's tool calls name tools the prompt offered, with arguments that
//! match those tools' parameter schemas.

use serde_json::Value;

use crate::assertion::ParseError;
use crate::grade::{Grade, GradeContext, GradeError, PASSED};
use crate::js;
use crate::json::Schema;

/// A tool (function) the prompt offers the model: its name and the compiled
/// JSON Schema of its arguments. Build these once per prompt, not per case.
#[derive(Debug, Clone)]
pub struct ToolSchema {
    name: String,
    parameters: Option<Schema>,
}

impl ToolSchema {
    /// A tool named `name` whose arguments must match the JSON Schema
    /// `parameters` (`None`: any arguments).
    pub fn new(name: impl Into<String>, parameters: Option<&Value>) -> Result<Self, ParseError> {
        let name = name.into();
        let parameters = match parameters {
            None => None,
            Some(p) => Some(Schema::compile(p).map_err(|e| {
                ParseError::invalid(format!(
                    "the parameters schema of tool \"{name}\" does not compile: {e}"
                ))
            })?),
        };
        Ok(ToolSchema { name, parameters })
    }

    /// The tool's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Tools in OpenAI's chat format (promptfoo's `provider.config.tools`):
    /// `[{"type": "function", "function": {"name": ..., "parameters": {...}}}]`.
    pub fn from_openai_tools(tools: &Value) -> Result<Vec<ToolSchema>, ParseError> {
        let bad = || {
            ParseError::invalid(format!(
                "Tools are expected to be an array of objects with a function property. Got: {}",
                js::stringify(tools)
            ))
        };
        let Value::Array(items) = tools else {
            return Err(bad());
        };
        items
            .iter()
            .map(|t| {
                let f = t.get("function").ok_or_else(bad)?;
                Self::from_function(f).map_err(|_| bad())
            })
            .collect()
    }

    /// Functions in OpenAI's legacy format (promptfoo's
    /// `provider.config.functions`): `[{"name": ..., "parameters": {...}}]`.
    pub fn from_openai_functions(functions: &Value) -> Result<Vec<ToolSchema>, ParseError> {
        let Value::Array(items) = functions else {
            return Err(ParseError::invalid(format!(
                "Functions are expected to be an array of objects with a name. Got: {}",
                js::stringify(functions)
            )));
        };
        items.iter().map(Self::from_function).collect()
    }

    fn from_function(f: &Value) -> Result<ToolSchema, ParseError> {
        let name = f.get("name").and_then(Value::as_str).ok_or_else(|| {
            ParseError::invalid(format!(
                "a function needs a string \"name\". Got: {}",
                js::stringify(f)
            ))
        })?;
        ToolSchema::new(name, f.get("parameters"))
    }
}

/// Which of the two promptfoo types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// `is-valid-openai-tools-call`: `[{type, function: {name, arguments}}]`
    /// or `{tool_calls: [...]}`; a prompt without tools is an error.
    Tools,
    /// `is-valid-openai-function-call`: `{name, arguments}` or
    /// `{function_call: {...}}`; a prompt without functions fails the case.
    Function,
}

impl CallKind {
    pub(crate) fn grade(self, ctx: &GradeContext<'_>, neg: bool) -> Result<Grade, GradeError> {
        let g = self.check(ctx)?;
        Ok(if neg {
            if g.pass {
                Grade::new(false, 0.0, "Expected output to not be a valid tool call")
            } else {
                Grade::new(true, 1.0, PASSED)
            }
        } else {
            g
        })
    }

    fn check(self, ctx: &GradeContext<'_>) -> Result<Grade, GradeError> {
        // Calls the provider parsed come first.
        if !ctx.tool_calls.is_empty() {
            let tools = match (self, ctx.tools) {
                (CallKind::Tools, None) => return Err(GradeError::MissingTools),
                (_, tools) => tools.unwrap_or_default(),
            };
            for call in ctx.tool_calls {
                if let Err(reason) = validate_call(call.name, call.arguments, tools) {
                    return Ok(Grade::new(false, 0.0, reason));
                }
            }
            return Ok(Grade::new(true, 1.0, PASSED));
        }

        // Text output (or a message object's `content`) may report MCP tool
        // results: an error anywhere fails, a result passes.
        let text = match ctx.output_json {
            None => Some(ctx.output),
            Some(v) => v.get("content").and_then(Value::as_str),
        };
        if self == CallKind::Tools
            && let Some(g) = text.and_then(mcp_verdict)
        {
            return Ok(g);
        }

        match self {
            CallKind::Tools => {
                let calls = match ctx.output_json {
                    Some(Value::Object(o)) if o.contains_key("tool_calls") => o.get("tool_calls"),
                    other => other,
                };
                let Some(calls) = calls
                    .and_then(Value::as_array)
                    .filter(|a| looks_like_tool_call(a.first()))
                else {
                    let shown = calls
                        .map_or_else(|| js::stringify(&Value::from(ctx.output)), js::stringify);
                    return Ok(Grade::new(
                        false,
                        0.0,
                        format!("OpenAI did not return a valid-looking tools response: {shown}"),
                    ));
                };
                let tools = ctx.tools.ok_or(GradeError::MissingTools)?;
                for call in calls {
                    let f = call.get("function");
                    let name = f.and_then(|f| f.get("name")).and_then(Value::as_str);
                    let args = f.and_then(|f| f.get("arguments")).and_then(Value::as_str);
                    let (Some(name), Some(args)) = (name, args) else {
                        return Ok(Grade::new(
                            false,
                            0.0,
                            format!(
                                "OpenAI did not return a valid-looking tool call: {}",
                                js::stringify(call)
                            ),
                        ));
                    };
                    if let Err(reason) = validate_call(name, args, tools) {
                        return Ok(Grade::new(false, 0.0, reason));
                    }
                }
                Ok(Grade::new(true, 1.0, PASSED))
            }
            CallKind::Function => {
                let call = match ctx.output_json {
                    Some(Value::Object(o)) if o.contains_key("function_call") => {
                        o.get("function_call")
                    }
                    other => other,
                };
                let name = call.and_then(|c| c.get("name")).and_then(Value::as_str);
                let args = call
                    .and_then(|c| c.get("arguments"))
                    .and_then(Value::as_str);
                let (Some(name), Some(args)) = (name, args) else {
                    let shown =
                        call.map_or_else(|| js::stringify(&Value::from(ctx.output)), js::stringify);
                    return Ok(Grade::new(
                        false,
                        0.0,
                        format!("OpenAI did not return a valid-looking function call: {shown}"),
                    ));
                };
                match validate_call(name, args, ctx.tools.unwrap_or_default()) {
                    Ok(()) => Ok(Grade::new(true, 1.0, PASSED)),
                    Err(reason) => Ok(Grade::new(false, 0.0, reason)),
                }
            }
        }
    }
}

fn looks_like_tool_call(first: Option<&Value>) -> bool {
    let f = first.and_then(|c| c.get("function"));
    f.and_then(|f| f.get("name")).is_some_and(Value::is_string)
        && f.and_then(|f| f.get("arguments"))
            .is_some_and(Value::is_string)
}

/// Checks one call against the offered tools; the error is the reason.
fn validate_call(name: &str, arguments: &str, tools: &[ToolSchema]) -> Result<(), String> {
    let args: Value = serde_json::from_str(arguments)
        .map_err(|e| format!("The arguments of the call to \"{name}\" are not valid JSON: {e}"))?;
    let tool = tools
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| format!("Called \"{name}\", but there is no function with that name"))?;
    match &tool.parameters {
        Some(schema) => match schema.first_error(&args) {
            Some(e) => Err(format!("Call to \"{name}\" does not match schema: {e}")),
            None => Ok(()),
        },
        None => Ok(()),
    }
}

const MCP_ERROR: &str = "MCP Tool Error";
const MCP_RESULT: &str = "MCP Tool Result";

/// promptfoo's MCP convention: a provider that ran MCP tools itself writes
/// `MCP Tool Result (name): ...` or `MCP Tool Error (name): message` into the
/// text. Any error fails the case (errors win over results); otherwise a
/// result passes it. `None` when the text reports neither.
fn mcp_verdict(text: &str) -> Option<Grade> {
    if let Some(at) = text.find(MCP_ERROR) {
        let (name, message) =
            mcp_parts(&text[at + MCP_ERROR.len()..]).unwrap_or(("unknown", "unknown error"));
        return Some(Grade::new(
            false,
            0.0,
            format!("MCP tool call failed for {name}: {message}"),
        ));
    }
    let at = text.find(MCP_RESULT)?;
    let name = mcp_parts(&text[at + MCP_RESULT.len()..]).map_or("unknown", |(n, _)| n);
    Some(Grade::new(
        true,
        1.0,
        format!("MCP tool call succeeded for {name}"),
    ))
}

/// Splits ` (name): message` (message up to the end of its line).
fn mcp_parts(rest: &str) -> Option<(&str, &str)> {
    let rest = rest.strip_prefix(" (")?;
    let close = rest.find(')')?;
    let name = &rest[..close];
    if name.is_empty() || name.contains('\n') {
        return None;
    }
    let message = rest[close + 1..].strip_prefix(':')?;
    let message = message.lines().next().unwrap_or("").trim();
    Some((name, message))
}
