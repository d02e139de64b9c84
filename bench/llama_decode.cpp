// The C++ baseline for bench/local_tokens_per_s.sh: greedy decoding of N
// tokens one at a time straight on llama.cpp's C API, the same work
// llama-bench's `tg` test measures (plus an argmax per token, which whet's
// greedy sampler also does). Built against the very llama.cpp sources whet
// links, so the comparison isolates whet's own overhead.
//
// usage: llama_decode MODEL.gguf THREADS TOKENS REPS  -> prints "MEAN STDDEV" tokens/s
#include "llama.h"
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

static void quiet(ggml_log_level, const char *, void *) {}

int main(int argc, char ** argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s MODEL.gguf THREADS TOKENS REPS\n", argv[0]);
        return 2;
    }
    const int threads = atoi(argv[2]), n_gen = atoi(argv[3]), reps = atoi(argv[4]);
    llama_log_set(quiet, nullptr);
    llama_backend_init();
    llama_model * model = llama_model_load_from_file(argv[1], llama_model_default_params());
    if (!model) { fprintf(stderr, "cannot load %s\n", argv[1]); return 1; }
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 4096;
    cp.n_batch = 512;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    llama_context * ctx = llama_init_from_model(model, cp);
    const llama_vocab * vocab = llama_model_get_vocab(model);
    const int n_vocab = llama_vocab_n_tokens(vocab);
    const std::string prompt = "Count from 1 to 1000, one number per line.";
    std::vector<llama_token> toks(256);
    const int n_prompt = llama_tokenize(vocab, prompt.c_str(), (int) prompt.size(), toks.data(), (int) toks.size(), true, true);
    toks.resize(n_prompt);

    std::vector<double> rates;
    for (int r = 0; r < reps + 1; r++) {  // the first round warms up
        llama_memory_clear(llama_get_memory(ctx), true);
        if (llama_decode(ctx, llama_batch_get_one(toks.data(), n_prompt)) != 0) return 1;
        auto t0 = std::chrono::steady_clock::now();
        llama_token tok = 0;
        for (int i = 0; i < n_gen; i++) {
            const float * logits = llama_get_logits_ith(ctx, -1);
            int best = 0;
            for (int v = 1; v < n_vocab; v++) if (logits[v] > logits[best]) best = v;
            tok = best;
            if (llama_decode(ctx, llama_batch_get_one(&tok, 1)) != 0) return 1;
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (r > 0) rates.push_back(n_gen / secs);
    }
    double mean = 0, sd = 0;
    for (double x : rates) mean += x;
    mean /= rates.size();
    for (double x : rates) sd += (x - mean) * (x - mean);
    sd = rates.size() > 1 ? std::sqrt(sd / (rates.size() - 1)) : 0;
    printf("%.2f %.2f\n", mean, sd);
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
