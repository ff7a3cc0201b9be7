-- Articles with the most likes in the period (from one country, if asked).
WITH likes AS (
    SELECT
        event_id,
        arbitrary(article_id) AS article_id,
        arbitrary(article_title) AS article_title,
        arbitrary(author_name) AS author_name
    FROM events
    WHERE dt BETWEEN :dt_start AND :dt_end
      AND event_type = 'article_liked'
      AND (:country IS NULL OR country = :country)
      AND occurred_at >= :start_at AND occurred_at < :end_before
    GROUP BY event_id
)
SELECT article_id, arbitrary(article_title) AS article_title, arbitrary(author_name) AS author_name,
       count(*) AS likes
FROM likes
GROUP BY article_id
ORDER BY likes DESC, article_id
LIMIT 20
