//! `studio-tui template`: print it, after checking any parameters given against it offline.

use crate::cli::{TemplateArgs, TemplateFormat};
use crate::{exit, ops, plain, template};

use super::Invocation;

pub async fn run(inv: &Invocation, args: &TemplateArgs) -> anyhow::Result<i32> {
    let config = inv.config()?;
    let overrides = args.params.overrides();
    if config.is_some() || !overrides.is_empty() {
        let resolved = ops::params::resolve(None, config.as_ref(), &overrides);
        if let Err(findings) = ops::params::validated(&resolved, 0) {
            for f in &findings {
                plain::say(format_args!("error: {}\n  fix: {}", f.message, f.fix));
            }
            return Ok(exit::FAILED);
        }
    }
    let text = match args.format {
        TemplateFormat::Yaml => template::TEMPLATE_YAML.to_string(),
        TemplateFormat::Json => format!(
            "{}\n",
            template::to_json(template::TEMPLATE_YAML).map_err(anyhow::Error::msg)?
        ),
    };
    plain::print_raw(&text);
    Ok(exit::OK)
}
