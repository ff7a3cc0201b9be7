-- Visitors and page views in the last 30 minutes (the lake as it is now: in production Firehose
-- writes a view up to its buffer interval later).
SELECT
    'last 30 minutes' AS window,
    count(DISTINCT visitor_hash) AS visitors,
    count(*) AS views,
    count(DISTINCT path) AS pages,
    max(occurred_at) AS last_view_at
FROM events
WHERE event_type = 'page_viewed'
  AND occurred_at >= :realtime_since AND occurred_at < :now_at
