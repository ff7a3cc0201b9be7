-- Page views by UTM source / medium / campaign ('(none)' where a page had none), previous period beside.
WITH views AS (
    SELECT
        coalesce(utm_source, '(none)') AS utm_source,
        coalesce(utm_medium, '(none)') AS utm_medium,
        coalesce(utm_campaign, '(none)') AS utm_campaign,
        visitor_hash,
        occurred_at >= :start_at AS current
    FROM events
    WHERE event_type = 'page_viewed'
      AND occurred_at >= :previous_start_at AND occurred_at < :end_before
      AND (:country IS NULL OR country = :country)
),
per_source AS (
    SELECT
        utm_source,
        utm_medium,
        utm_campaign,
        count(DISTINCT CASE WHEN current THEN visitor_hash END) AS visitors,
        count_if(current) AS views,
        count(DISTINCT CASE WHEN NOT current THEN visitor_hash END) AS previous_visitors
    FROM views
    GROUP BY utm_source, utm_medium, utm_campaign
)
SELECT utm_source, utm_medium, utm_campaign, visitors, views, previous_visitors,
       CASE WHEN previous_visitors = 0 THEN NULL
            ELSE round(100.0 * (visitors - previous_visitors) / previous_visitors, 1) END AS change_pct
FROM per_source
ORDER BY visitors DESC, previous_visitors DESC, utm_source, utm_medium, utm_campaign
LIMIT 50
