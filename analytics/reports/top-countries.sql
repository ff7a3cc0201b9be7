-- Countries whose readers like the most articles.
-- Likes are deduplicated by event_id (Firehose delivers at least once); the dt partition filter
-- keeps Athena to the asked days (plus the next one: an event can reach Firehose after midnight).
WITH likes AS (
    SELECT event_id, arbitrary(country) AS country, arbitrary(article_id) AS article_id
    FROM events
    WHERE dt BETWEEN :dt_start AND :dt_end
      AND event_type = 'article_liked'
      AND occurred_at >= :start_at AND occurred_at < :end_before
    GROUP BY event_id
)
SELECT country, count(*) AS likes, count(DISTINCT article_id) AS articles
FROM likes
GROUP BY country
ORDER BY likes DESC, country
LIMIT 50
