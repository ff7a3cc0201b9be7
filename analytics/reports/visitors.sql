-- Visitors and page views per day, with the previous period of the same length beside them (day N
-- of the period next to day N of the period before). A visitor hash rotates daily, so a person is
-- one visitor a day: a period's visitors are the sum of its days'. Optionally one country.
WITH days AS (
    SELECT CAST(day AS DATE) AS day
    FROM UNNEST(sequence(:start, :end, INTERVAL '1' DAY)) AS t (day)
),
per_day AS (
    SELECT CAST(occurred_at AS DATE) AS day, count(DISTINCT visitor_hash) AS visitors, count(*) AS views
    FROM events
    WHERE event_type = 'page_viewed'
      AND occurred_at >= :previous_start_at AND occurred_at < :end_before
      AND (:country IS NULL OR country = :country)
    GROUP BY CAST(occurred_at AS DATE)
)
SELECT
    d.day,
    coalesce(c.visitors, 0) AS visitors,
    coalesce(c.views, 0) AS views,
    CAST(date_add('day', -:days, d.day) AS DATE) AS previous_day,
    coalesce(p.visitors, 0) AS previous_visitors,
    coalesce(p.views, 0) AS previous_views
FROM days AS d
LEFT JOIN per_day AS c ON c.day = d.day
LEFT JOIN per_day AS p ON p.day = CAST(date_add('day', -:days, d.day) AS DATE)
ORDER BY d.day
