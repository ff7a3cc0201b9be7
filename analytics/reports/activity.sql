-- Articles published and likes per day, with the previous period of the same length beside it
-- (day N of the period next to day N of the period before). Likes can be limited to one country.
WITH days AS (
    SELECT CAST(day AS DATE) AS day
    FROM UNNEST(sequence(:start, :end, INTERVAL '1' DAY)) AS t (day)
),
per_day AS (
    SELECT
        CAST(occurred_at AS DATE) AS day,
        count_if(event_type = 'article_published') AS published,
        count_if(event_type = 'article_liked') AS likes
    FROM events
    WHERE occurred_at >= :previous_start_at AND occurred_at < :end_before
      AND (
          event_type = 'article_published'
          OR (event_type = 'article_liked' AND (:country IS NULL OR country = :country))
      )
    GROUP BY CAST(occurred_at AS DATE)
)
SELECT
    d.day,
    coalesce(c.published, 0) AS published,
    coalesce(c.likes, 0) AS likes,
    CAST(date_add('day', -:days, d.day) AS DATE) AS previous_day,
    coalesce(p.published, 0) AS previous_published,
    coalesce(p.likes, 0) AS previous_likes
FROM days AS d
LEFT JOIN per_day AS c ON c.day = d.day
LEFT JOIN per_day AS p ON p.day = CAST(date_add('day', -:days, d.day) AS DATE)
ORDER BY d.day
