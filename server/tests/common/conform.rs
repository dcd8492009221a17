//! Whether an answer is what the OpenAPI document says it is: a small reader of the
//! document's schemas (`$ref`, `allOf`, types with `null`, objects' `properties` and
//! `required`, arrays' `items`) that names every difference. An answer with a field the
//! document does not declare, without one it says is always there, or of another type,
//! does not conform.

use serde_json::Value;

/// The differences between `value` and `schema` (resolved in `document`), each named by
/// its path in the answer; none when it conforms.
pub fn differences(document: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    check(document, schema, value, "$", &mut found);
    found
}

fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            resolve(document, document.pointer(pointer).unwrap_or(&Value::Null))
        }
        None => schema,
    }
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check(document: &Value, schema: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    let schema = resolve(document, schema);
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        // Each part's fields together: one object.
        let mut merged = serde_json::Map::new();
        let mut required = Vec::new();
        for part in parts {
            let part = resolve(document, part);
            if let Some(properties) = part.get("properties").and_then(Value::as_object) {
                merged.extend(properties.clone());
            }
            if let Some(names) = part.get("required").and_then(Value::as_array) {
                required.extend(names.iter().cloned());
            }
        }
        let merged =
            serde_json::json!({ "type": "object", "properties": merged, "required": required });
        return check(document, &merged, value, at, found);
    }
    if let Some(choices) = schema
        .get("oneOf")
        .or(schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        if !choices
            .iter()
            .any(|choice| differences(document, choice, value).is_empty())
        {
            found.push(format!("{at}: none of the choices the document gives"));
        }
        return;
    }
    let allowed = types(schema);
    let actual = type_of(value);
    let fits = allowed.is_empty()
        || allowed.contains(&actual)
        || (actual == "integer" && allowed.contains(&"number"));
    if !fits {
        found.push(format!("{at}: {actual}, documented as {allowed:?}"));
        return;
    }
    match value {
        Value::Object(fields) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            if let Some(properties) = properties {
                for (name, field) in fields {
                    match properties.get(name) {
                        Some(documented) => {
                            check(document, documented, field, &format!("{at}.{name}"), found)
                        }
                        None => found.push(format!("{at}.{name}: not in the document")),
                    }
                }
            }
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = name.as_str().unwrap_or_default();
                if !fields.contains_key(name) {
                    found.push(format!("{at}.{name}: documented as always there, missing"));
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (n, value) in items.iter().enumerate() {
                    check(document, item, value, &format!("{at}[{n}]"), found);
                }
            }
        }
        _ => {}
    }
}
