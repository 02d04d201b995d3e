//! The AWS Price List Query API (service prefix `pricing`): GetProducts, every page. It
//! answers at three endpoints only (us-east-1, eu-central-1, ap-south-1), so the client is
//! built for the nearest of them ([`crate::core::cost::pricing_api_region`]) whatever the
//! session's region; the region whose prices are wanted is a filter of the query.

use aws_config::Region;
use aws_config::retry::RetryConfig;
use aws_sdk_pricing::types::{Filter, FilterType};

use super::{AwsError, ErrorKind, Session};
use crate::core::cost::catalog::Query;

/// Products a page asks for: GetProducts' MaxResults is at most 100.
pub const PAGE_SIZE: i32 = 100;

/// The most pages one query may take. studio-tui's queries are filtered to one region and
/// one service (the largest, AmazonVPC, lists a few dozen products), so a listing longer
/// than this is not the one asked for: it is an error, not an endless loop.
pub const MAX_PAGES: usize = 20;

/// What GetProducts returned for one query: the `PriceList` (one JSON document per product)
/// and the number of pages it took.
#[derive(Debug, Clone, Default)]
pub struct PriceList {
    pub products: Vec<String>,
    pub pages: usize,
}

impl Session {
    /// The Price List Query API client, at the endpoint nearest to the session's region; two
    /// attempts at most (a price list that cannot be had falls back to the bundled table
    /// rather than keeping anyone waiting).
    fn pricing(&self, api_region: &'static str) -> aws_sdk_pricing::Client {
        let conf = aws_sdk_pricing::config::Builder::from(&self.sdk)
            .region(Region::new(api_region))
            .retry_config(RetryConfig::standard().with_max_attempts(2))
            .interceptor(self.guard())
            .retry_classifier(super::readonly::DroppedConnectionIsTransient)
            .build();
        aws_sdk_pricing::Client::from_conf(conf)
    }

    /// Every product of `query` (GetProducts with its TERM_MATCH filters, format `aws_v1`,
    /// page after page until no NextToken). An error after [`MAX_PAGES`] pages, or when a
    /// NextToken comes back a second time (the listing would go round in circles).
    pub async fn get_products(&self, query: &Query) -> Result<PriceList, AwsError> {
        let Some(api_region) = crate::core::cost::pricing_api_region(&self.region) else {
            let why = crate::core::cost::not_priced(&self.region).unwrap_or_default();
            return Err(AwsError::new(ErrorKind::Other, "pricing:GetProducts", why));
        };
        let pricing = self.pricing(api_region);
        let mut filters = Vec::with_capacity(query.filters.len());
        for (field, value) in &query.filters {
            let filter = Filter::builder()
                .r#type(FilterType::TermMatch)
                .field(*field)
                .value(value)
                .build()
                .map_err(|e| {
                    AwsError::new(ErrorKind::Other, "pricing:GetProducts", e.to_string())
                })?;
            filters.push(filter);
        }
        let mut out = PriceList::default();
        let mut pages = Pages::default();
        let mut token: Option<String> = None;
        loop {
            pages
                .check(query.service_code, token.as_deref())
                .map_err(|why| AwsError::new(ErrorKind::Other, "pricing:GetProducts", why))?;
            let page = pricing
                .get_products()
                .service_code(query.service_code)
                .set_filters(Some(filters.clone()))
                .format_version("aws_v1")
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| self.sdk_err("pricing:GetProducts", e))?;
            out.pages += 1;
            out.products.extend(page.price_list().iter().cloned());
            token = page
                .next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if token.is_none() {
                return Ok(out);
            }
        }
    }
}

/// The bound on one listing: at most [`MAX_PAGES`] pages, and no NextToken twice.
#[derive(Debug, Default)]
struct Pages {
    asked: usize,
    tokens: std::collections::HashSet<String>,
}

impl Pages {
    /// Whether the page of `token` may be asked for (the first page has none); why not.
    fn check(&mut self, service_code: &str, token: Option<&str>) -> Result<(), String> {
        if self.asked >= MAX_PAGES {
            return Err(format!(
                "{service_code} prices took more than {MAX_PAGES} pages; stopped"
            ));
        }
        if let Some(t) = token
            && !self.tokens.insert(t.to_string())
        {
            return Err(format!(
                "{service_code} prices: the same NextToken came back twice; stopped"
            ));
        }
        self.asked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_stops_at_the_page_bound() {
        let mut pages = Pages::default();
        assert!(pages.check("AmazonVPC", None).is_ok());
        for i in 1..MAX_PAGES {
            assert!(
                pages.check("AmazonVPC", Some(&format!("t{i}"))).is_ok(),
                "page {i}"
            );
        }
        let err = pages.check("AmazonVPC", Some("t-last")).unwrap_err();
        assert!(err.contains("more than 20 pages"), "{err}");
    }

    #[test]
    fn a_token_that_comes_back_stops_the_listing() {
        let mut pages = Pages::default();
        assert!(pages.check("awskms", None).is_ok());
        assert!(pages.check("awskms", Some("a")).is_ok());
        assert!(pages.check("awskms", Some("b")).is_ok());
        let err = pages.check("awskms", Some("a")).unwrap_err();
        assert!(err.contains("same NextToken"), "{err}");
    }
}
