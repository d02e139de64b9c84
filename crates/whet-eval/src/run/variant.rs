//! A variant is one prompt (a registry version or an inline template) on one
//! model: it turns a case's vars into a provider request.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};
use whet_assert::ToolSchema;
use whet_core::{ContentHash, Message, Role as MessageRole};
use whet_providers::{ChatMessage, ChatRequest, Pricing, Provider, ResponseFormat, ToolDef};
use whet_registry::template::Renderer;
use whet_registry::{Prompt, Resolved};

use crate::record::{Role, VariantInfo};
use crate::suite::InlinePrompt;

/// Where a model alias leads.
#[derive(Clone)]
pub struct Target {
    /// The alias (or promptfoo provider id).
    pub alias: String,
    /// Configured provider name.
    pub provider_name: String,
    /// The provider.
    pub provider: Arc<dyn Provider>,
    /// The model, as the provider knows it.
    pub model: String,
    /// Prices.
    pub pricing: Pricing,
    /// Sampling parameters that override the prompt's (a promptfoo
    /// provider's `config`: temperature, max_tokens, top_p, seed).
    pub overrides: Map<String, Value>,
}

/// The prompt side of a variant.
pub enum PromptSource {
    /// A prompt from the registry: working copy, release or label.
    Registry(Box<Resolved>),
    /// A template written in the suite.
    Inline(InlinePrompt),
}

/// One prompt × model combination, ready to build requests.
pub struct Variant {
    /// What the run records about it.
    pub info: VariantInfo,
    /// The prompt.
    pub prompt: PromptSource,
    /// The model.
    pub target: Target,
    /// The prompt's tools, for `is-valid-openai-tools-call`; `None` when it
    /// declares none.
    pub tools: Option<Vec<ToolSchema>>,
    /// Partials renderer, built once (registry prompts).
    renderer: Renderer<'static>,
}

impl Variant {
    /// A registry prompt on a model. `reference` is the reference as written.
    pub fn registry(resolved: Resolved, reference: &str, target: Target, role: Role) -> Variant {
        let p = &resolved.prompt;
        let name = p.spec.name.value.clone();
        let version = resolved.release.as_ref().map(|r| r.version.to_string());
        let tools = (!p.spec.tools.is_empty()).then(|| {
            p.spec
                .tools
                .iter()
                .filter_map(|t| ToolSchema::new(t.name.clone(), Some(&t.parameters)).ok())
                .collect()
        });
        let info = VariantInfo {
            name: String::new(),
            role,
            prompt: name,
            reference: reference.to_owned(),
            version,
            label: resolved.label.clone(),
            content_hash: p.content_hash().to_string(),
            model_alias: target.alias.clone(),
            provider: target.provider_name.clone(),
            model: target.model.clone(),
            params: Value::Null,
        };
        let renderer: Renderer<'static> = Renderer::new(&p.partials);
        let mut v = Variant {
            info,
            prompt: PromptSource::Registry(Box::new(resolved)),
            target,
            tools,
            renderer,
        };
        v.info.params = v.params();
        v
    }

    /// An inline template on a model.
    pub fn inline(prompt: InlinePrompt, target: Target) -> Variant {
        let info = VariantInfo {
            name: String::new(),
            role: Role::Candidate,
            prompt: prompt.name.clone(),
            reference: prompt.name.clone(),
            version: None,
            label: None,
            content_hash: ContentHash::of(prompt.template.as_bytes()).to_string(),
            model_alias: target.alias.clone(),
            provider: target.provider_name.clone(),
            model: target.model.clone(),
            params: Value::Null,
        };
        let mut v = Variant {
            info,
            prompt: PromptSource::Inline(prompt),
            target,
            tools: None,
            renderer: Renderer::new(&BTreeMap::new()),
        };
        v.info.params = v.params();
        v
    }

    /// The sampling parameters sent, as recorded.
    fn params(&self) -> Value {
        let mut m = match &self.prompt {
            PromptSource::Registry(r) => match serde_json::to_value(&r.prompt.spec.model) {
                Ok(Value::Object(m)) => m,
                _ => Map::new(),
            },
            PromptSource::Inline(_) => Map::new(),
        };
        m.remove("alias");
        for (k, v) in &self.target.overrides {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }

    /// The request for one case, and the rendered prompt as text (for
    /// judges and reports).
    pub fn request(&self, vars: &Map<String, Value>) -> Result<(ChatRequest, String), String> {
        let (messages, mut request) = match &self.prompt {
            PromptSource::Registry(r) => {
                let messages = render_registry(&r.prompt, &self.renderer, vars)?;
                (messages, base_request(&r.prompt, &self.target.model))
            }
            PromptSource::Inline(p) => {
                let text = self
                    .renderer
                    .render(&p.template, vars)
                    .map_err(|e| format!("cannot render prompt {}: {}", p.name, e.message))?;
                let request = ChatRequest {
                    model: self.target.model.clone(),
                    ..ChatRequest::default()
                };
                (inline_messages(&text), request)
            }
        };
        apply_overrides(&mut request, &self.target.overrides);
        let text = prompt_text(&messages);
        request.messages = messages.iter().map(ChatMessage::from).collect();
        Ok((request, text))
    }
}

fn render_registry(
    prompt: &Prompt,
    renderer: &Renderer<'static>,
    vars: &Map<String, Value>,
) -> Result<Vec<Message>, String> {
    // Only the declared variables reach the template: a case may carry
    // extra vars for its assertions (a judge's `context`, a `query`).
    let declared = &prompt.spec.variables;
    let given: Map<String, Value> = vars
        .iter()
        .filter(|(k, _)| declared.contains_key(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let bound = whet_registry::vars::bind(declared, given).map_err(|e| e.to_string())?;
    prompt
        .render_with(renderer, &bound)
        .map_err(|e| e.to_string())
}

/// The request for a registry prompt, without messages.
pub fn base_request(prompt: &Prompt, model: &str) -> ChatRequest {
    let m = &prompt.spec.model;
    ChatRequest {
        model: model.to_owned(),
        messages: Vec::new(),
        temperature: m.temperature,
        top_p: m.top_p,
        max_tokens: m.max_tokens,
        stop: m.stop.clone(),
        seed: m.seed,
        tools: prompt
            .spec
            .tools
            .iter()
            .map(|t| ToolDef {
                name: t.name.clone(),
                description: t.description.clone(),
                parameters: t.parameters.clone(),
            })
            .collect(),
        response_format: match &prompt.output_schema {
            Some(schema) => ResponseFormat::JsonSchema {
                name: prompt.spec.name.value.replace('-', "_"),
                schema: schema.clone(),
            },
            None => ResponseFormat::Text,
        },
        logprobs: false,
    }
}

/// A rendered inline template: a JSON chat array, or one user message.
fn inline_messages(text: &str) -> Vec<Message> {
    if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(text.trim()) {
        let chat: Option<Vec<Message>> = items
            .iter()
            .map(|m| {
                let role = match m.get("role")?.as_str()? {
                    "system" => MessageRole::System,
                    "user" => MessageRole::User,
                    "assistant" => MessageRole::Assistant,
                    _ => return None,
                };
                let content = m.get("content")?.as_str()?.to_owned();
                Some(Message { role, content })
            })
            .collect();
        if let Some(chat) = chat.filter(|c| !c.is_empty()) {
            return chat;
        }
    }
    vec![Message {
        role: MessageRole::User,
        content: text.to_owned(),
    }]
}

fn apply_overrides(req: &mut ChatRequest, o: &Map<String, Value>) {
    if let Some(t) = o.get("temperature").and_then(Value::as_f64) {
        req.temperature = Some(t);
    }
    if let Some(t) = o.get("top_p").and_then(Value::as_f64) {
        req.top_p = Some(t);
    }
    if let Some(t) = o.get("max_tokens").and_then(Value::as_u64) {
        req.max_tokens = u32::try_from(t).ok();
    }
    if let Some(t) = o.get("seed").and_then(Value::as_u64) {
        req.seed = Some(t);
    }
}

/// Messages as one text: the user turn alone when there is only one.
fn prompt_text(messages: &[Message]) -> String {
    if let [only] = messages {
        return only.content.clone();
    }
    messages
        .iter()
        .map(|m| format!("{}: {}", m.role, m.content))
        .collect::<Vec<_>>()
        .join("\n\n")
}
