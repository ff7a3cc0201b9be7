-- Countries whose readers like the most articles.
WITH likes AS (
    SELECT country, article_id
    FROM events
    WHERE event_type = 'article_liked'
      AND occurred_at >= :start_at AND occurred_at < :end_before
)
SELECT country, count(*) AS likes, count(DISTINCT article_id) AS articles
FROM likes
GROUP BY country
ORDER BY likes DESC, country
LIMIT 50
