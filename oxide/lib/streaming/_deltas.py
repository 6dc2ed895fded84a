"""`accumulate_delta`: merge a stream delta (as plain dicts) into a snapshot, as the SDK's
`openai.lib.streaming._deltas` does (strings and numbers add up, dicts merge, lists of objects
merge by their `index`, `index` and `type` are replaced)."""

from __future__ import annotations

__all__ = ["accumulate_delta"]


def accumulate_delta(
    acc: dict[object, object], delta: dict[object, object]
) -> dict[object, object]:
    for key, delta_value in delta.items():
        if key not in acc:
            acc[key] = delta_value
            continue

        acc_value = acc[key]
        if acc_value is None:
            acc[key] = delta_value
            continue

        # the `index` property is used in arrays of objects so it should
        # not be accumulated like other values e.g.
        # [{'foo': 'bar', 'index': 0}]
        #
        # the same applies to `type` properties as they're used for
        # discriminated unions
        if key == "index" or key == "type":
            acc[key] = delta_value
            continue

        if isinstance(acc_value, str) and isinstance(delta_value, str):
            acc_value += delta_value
        elif isinstance(acc_value, (int, float)) and isinstance(delta_value, (int, float)):
            acc_value += delta_value
        elif isinstance(acc_value, dict) and isinstance(delta_value, dict):
            acc_value = accumulate_delta(acc_value, delta_value)
        elif isinstance(acc_value, list) and isinstance(delta_value, list):
            # for lists of non-dictionary items we'll only ever get new entries
            # in the array, existing entries will never be changed
            if all(isinstance(x, (str, int, float)) for x in acc_value):
                acc_value.extend(delta_value)
                continue

            for delta_entry in delta_value:
                if not isinstance(delta_entry, dict):
                    raise TypeError(
                        f"Unexpected list delta entry is not a dictionary: {delta_entry}"
                    )

                try:
                    index = delta_entry["index"]
                except KeyError as exc:
                    raise RuntimeError(
                        f"Expected list delta entry to have an `index` key; {delta_entry}"
                    ) from exc

                if not isinstance(index, int):
                    raise TypeError(
                        f"Unexpected, list delta entry `index` value is not an integer; {index}"
                    )

                try:
                    acc_entry = acc_value[index]
                except IndexError:
                    acc_value.insert(index, delta_entry)
                else:
                    if not isinstance(acc_entry, dict):
                        raise TypeError("not handled yet")

                    acc_value[index] = accumulate_delta(acc_entry, delta_entry)

        acc[key] = acc_value

    return acc
