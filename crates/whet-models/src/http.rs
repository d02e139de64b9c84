//! Streaming HTTP(S) downloads, hashed as they arrive.

use std::io::BufWriter;
use std::path::Path;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::progress::{Phase, PhaseReporter, Progress};
use crate::verify;

/// Downloads `url` into `out` (a new file), hashing while writing, and checks
/// the sha256. On a mismatch `out` is deleted. The connection and each read
/// time out after `timeout`; the whole download has no deadline.
pub(crate) fn download(
    url: &str,
    out: &Path,
    sha256: &str,
    timeout: Duration,
    progress: &mut dyn Progress,
) -> Result<()> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(timeout))
        .timeout_recv_response(Some(timeout))
        .timeout_per_read(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!("whet/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    tracing::info!("downloading {url}");
    let response = agent.get(url).call().map_err(|e| Error::Download {
        url: url.to_owned(),
        message: e.to_string(),
    })?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(Error::HttpStatus {
            url: url.to_owned(),
            status,
        });
    }
    let body = response.into_body();
    let total = body.content_length();
    let mut reader = body.into_reader();

    let mut hasher = Sha256::new();
    let mut reporter = PhaseReporter::new(progress, Phase::Download, total);
    let file = fs_err::File::create(out)?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    let copied = verify::copy_hashing(&mut reader, &mut writer, &mut hasher, &mut reporter);
    let result = copied
        .map_err(|e| Error::Download {
            url: url.to_owned(),
            message: e.to_string(),
        })
        .and_then(|written| {
            let file = writer.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            Ok(written)
        })
        .and_then(|written| {
            let actual = verify::hex(hasher);
            if actual == sha256 {
                Ok(())
            } else {
                Err(Error::ChecksumMismatch {
                    what: format!("{url} ({written} bytes downloaded)"),
                    expected: sha256.to_owned(),
                    actual,
                    hint: "Check that the URL and the sha256 are right; the file was deleted.",
                })
            }
        });
    if result.is_err() {
        if let Err(e) = fs_err::remove_file(out) {
            tracing::debug!("cannot remove the partial download: {e}");
        }
    } else {
        reporter.finish();
    }
    result
}
