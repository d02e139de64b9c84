//! `whet chat`: a multi-turn conversation with a model on the terminal.
//! Reads one user turn per line from stdin, streams each answer.

use crate::ExitStatus;
use crate::args::{ChatArgs, GlobalArgs};
use crate::error::CliError;
use crate::models::Models;
use crate::printer::Printer;
use futures::StreamExt;
use owo_colors::OwoColorize;
use std::io::{BufRead, IsTerminal, Write};
use whet_providers::{ChatMessage, ChatRequest, ChatRole, StreamEvent};

pub fn run(args: &ChatArgs, global: &GlobalArgs, printer: Printer) -> Result<ExitStatus, CliError> {
    let project = super::project(global)?;
    let mut models = Models::new(&project, printer);
    let alias = models.pick(args.model.as_deref(), None)?;
    let target = models.target(&alias)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the async runtime: {e}")))?;
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        printer.note(
            &format!(
                "chatting with {alias} ({}); /reset starts over, /exit or Ctrl-D quits",
                target.model
            )
            .dimmed()
            .to_string(),
        );
    }
    let start: Vec<ChatMessage> = args
        .system
        .iter()
        .map(|s| ChatMessage::new(ChatRole::System, s.clone()))
        .collect();
    let mut history = start.clone();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            let _ = write!(anstream::stderr(), "{} ", "you>".green().bold());
            let _ = anstream::stderr().flush();
        }
        let Some(line) = lines.next() else { break };
        let line = line?;
        match line.trim() {
            "" => continue,
            "/exit" | "/quit" => break,
            "/reset" => {
                history.clone_from(&start);
                printer.note("(conversation cleared)");
                continue;
            }
            _ => {}
        }
        history.push(ChatMessage::new(ChatRole::User, line));
        let req = ChatRequest {
            model: target.model.clone(),
            messages: history.clone(),
            temperature: args.temperature,
            max_tokens: Some(args.max_tokens),
            ..ChatRequest::default()
        };
        let answer = runtime.block_on(async {
            let mut stream = target.provider.chat_stream(&req).await?;
            let mut out = anstream::stdout();
            while let Some(event) = stream.next().await {
                match event? {
                    StreamEvent::Text(t) => {
                        let _ = write!(out, "{t}");
                        let _ = out.flush();
                    }
                    StreamEvent::Done(r) => return Ok::<_, CliError>(r),
                    StreamEvent::ToolCallDelta { .. } => {}
                }
            }
            Err(CliError::Usage(
                "the model's stream ended without an answer".into(),
            ))
        })?;
        printer.raw("\n");
        let cost = target.pricing.cost(&answer.usage);
        printer.note(
            &format!(
                "── {} in / {} out tokens · ${cost:.6} · {:.2}s",
                answer.usage.input_tokens,
                answer.usage.output_tokens,
                answer.timing.latency.as_secs_f64()
            )
            .dimmed()
            .to_string(),
        );
        history.push(ChatMessage::new(ChatRole::Assistant, answer.content));
    }
    Ok(ExitStatus::Success)
}
