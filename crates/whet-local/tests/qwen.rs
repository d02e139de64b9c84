//! Qwen2.5-Coder-0.5B-Instruct, whet's default chat model, as a real
//! subject: short classifications it must get right.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{QWEN, provider};
use whet_providers::{ChatMessage, ChatRequest, ChatRole, Provider, ResponseFormat};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn classifies_banking_intents_sensibly() {
    let local = provider(QWEN).await;
    let labels: Vec<String> = ["lost_or_stolen_card", "card_arrival", "exchange_rate"]
        .into_iter()
        .map(String::from)
        .collect();
    let cases = [
        (
            "I lost my card, someone may be using it",
            "lost_or_stolen_card",
        ),
        ("When will my new card arrive?", "card_arrival"),
        (
            "What rate do you use when I pay in dollars?",
            "exchange_rate",
        ),
    ];
    for (message, expected) in cases {
        let req = ChatRequest {
            messages: vec![
                ChatMessage::new(
                    ChatRole::System,
                    "Classify the bank customer's message into exactly one intent:\n\
                     - lost_or_stolen_card: the card was lost or stolen\n\
                     - card_arrival: a card has been ordered but has not arrived yet\n\
                     - exchange_rate: a question about currency exchange rates\n\
                     Answer with the intent only.",
                ),
                ChatMessage::new(ChatRole::User, message),
            ],
            response_format: ResponseFormat::Choice {
                labels: labels.clone(),
            },
            ..ChatRequest::default()
        };
        let resp = local.chat(&req).await.unwrap();
        assert_eq!(resp.content, expected, "{message:?}: {resp:?}");
        assert!(resp.timing.compute.unwrap().as_secs_f64() < 30.0);
    }
}
