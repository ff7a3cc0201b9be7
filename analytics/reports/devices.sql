-- The devices readers like articles from (from one country, if asked).
WITH likes AS (
    SELECT event_id, arbitrary(device) AS device
    FROM events
    WHERE dt BETWEEN :dt_start AND :dt_end
      AND event_type = 'article_liked'
      AND (:country IS NULL OR country = :country)
      AND occurred_at >= :start_at AND occurred_at < :end_before
    GROUP BY event_id
)
SELECT coalesce(device, 'unknown') AS device, count(*) AS likes
FROM likes
GROUP BY coalesce(device, 'unknown')
ORDER BY likes DESC, device
