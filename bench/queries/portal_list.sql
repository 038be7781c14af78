-- The portal list (portal_list.graphql) as one hand-written PostgreSQL statement that
-- builds the whole response JSON: the database floor bench/portal.py compares with.
SELECT json_build_object('data', json_build_object('cases', json_build_object('nodes',
  coalesce((SELECT json_agg(page.node ORDER BY page.id DESC) FROM (
    SELECT c.id, json_build_object(
      'id', encode(convert_to('Case:' || c.id, 'UTF8'), 'base64'),
      'reference', c.reference,
      'summary', c.summary,
      'openedOn', c.opened_on,
      'status', (SELECT json_build_object('code', s.code, 'label', s.label)
                 FROM lookup_value s WHERE s.id = c.status_id),
      'demands', coalesce((SELECT json_agg(json_build_object(
          'id', encode(convert_to('Demand:' || d.id, 'UTF8'), 'base64'),
          'nature', upper(d.nature),
          'isPresenting', d.is_presenting,
          'receivedOn', d.received_on,
          'type', (SELECT json_build_object('label', t.label)
                   FROM lookup_value t WHERE t.id = d.type_id),
          'underlyingDemands', coalesce((SELECT json_agg(json_build_object(
              'id', encode(convert_to('Demand:' || u.id, 'UTF8'), 'base64'),
              'type', (SELECT json_build_object('label', ut.label)
                       FROM lookup_value ut WHERE ut.id = u.type_id))
              ORDER BY u.received_on, u.id)
            FROM demand_cause dc JOIN demand u ON u.id = dc.underlying_id
            WHERE dc.presenting_id = d.id), '[]'))
          ORDER BY d.is_presenting DESC, d.received_on, d.id)
        FROM demand d WHERE d.case_id = c.id), '[]'),
      'parties', coalesce((SELECT json_agg(json_build_object(
          'role', (SELECT json_build_object('label', r.label)
                   FROM lookup_value r WHERE r.id = cp.role_id),
          'person', json_build_object(
            'id', encode(convert_to('Person:' || p.id, 'UTF8'), 'base64'),
            'fullName', concat_ws(' ', nullif(p.title, ''), p.forenames, p.surname),
            'dateOfBirth', p.date_of_birth,
            'addresses', coalesce((SELECT json_agg(json_build_object(
                'fromDate', a.from_date,
                'place', json_build_object(
                  'id', encode(convert_to('Place:' || pl.id, 'UTF8'), 'base64'),
                  'uprn', pl.uprn::text,
                  'singleLineAddress', pl.single_line_address,
                  'postcode', pl.postcode))
                ORDER BY a.from_date DESC NULLS LAST, a.id)
              FROM person_address a JOIN place pl ON pl.id = a.place_id
              WHERE a.person_id = p.id AND a.to_date IS NULL), '[]')))
          ORDER BY cp.id)
        FROM case_party cp JOIN person p ON p.id = cp.person_id
        WHERE cp.case_id = c.id), '[]'),
      'places', coalesce((SELECT json_agg(json_build_object(
          'place', json_build_object(
            'id', encode(convert_to('Place:' || pl.id, 'UTF8'), 'base64'),
            'uprn', pl.uprn::text,
            'singleLineAddress', pl.single_line_address,
            'postcode', pl.postcode))
          ORDER BY cpl.id)
        FROM case_place cpl JOIN place pl ON pl.id = cpl.place_id
        WHERE cpl.case_id = c.id), '[]'),
      'activities', coalesce((SELECT json_agg(json_build_object(
          'id', encode(convert_to('Activity:' || a.id, 'UTF8'), 'base64'),
          'occurredAt', a.occurred_at,
          'notes', a.notes,
          'tasks', coalesce((SELECT json_agg(json_build_object(
              'minutes', t.minutes,
              'category', (SELECT json_build_object('label', l.label)
                           FROM lookup_value l WHERE l.id = t.category_id))
              ORDER BY t.id)
            FROM task t WHERE t.activity_id = a.id), '[]'))
          ORDER BY a.occurred_at DESC, a.id)
        FROM activity a WHERE a.case_id = c.id), '[]')
    ) AS node
    FROM case_record c ORDER BY c.id DESC LIMIT :first
  ) AS page), '[]'))))
