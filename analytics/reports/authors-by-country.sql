-- The most popular authors among readers of one country: articles JOIN likes.
-- Authors come from the publications (an article liked in the period may have been published long
-- before it, so that side reads every partition up to the period's end, two columns of it in
-- Parquet); likes come from the asked days only.
WITH articles AS (
    SELECT article_id, arbitrary(author_id) AS author_id, arbitrary(author_name) AS author_name
    FROM events
    WHERE dt <= :dt_end
      AND event_type = 'article_published'
    GROUP BY article_id
),
likes AS (
    SELECT event_id, arbitrary(article_id) AS article_id
    FROM events
    WHERE dt BETWEEN :dt_start AND :dt_end
      AND event_type = 'article_liked'
      AND country = :country
      AND occurred_at >= :start_at AND occurred_at < :end_before
    GROUP BY event_id
)
SELECT a.author_name, count(*) AS likes, count(DISTINCT l.article_id) AS articles
FROM likes AS l
JOIN articles AS a ON a.article_id = l.article_id
GROUP BY a.author_id, a.author_name
ORDER BY likes DESC, a.author_name
LIMIT 50
