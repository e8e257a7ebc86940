/** A labelled one-line text input: the project forms and the import/export cards all ask for paths this way. */
export function TextField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  ariaLabel: string;
  placeholder?: string;
}) {
  return (
    <label className="field">
      {props.label}
      <input
        type="text"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
        aria-label={props.ariaLabel}
      />
    </label>
  );
}

/** A labelled drop-down over a fixed list of strings: import and export pick their dataset format this way. */
export function SelectField<T extends string>(props: {
  label: string;
  value: T;
  options: readonly T[];
  onChange(value: NoInfer<T>): void;
  ariaLabel: string;
}) {
  return (
    <label className="field">
      {props.label}
      <select
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as T)}
        aria-label={props.ariaLabel}
      >
        {props.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}

/** A checkbox with its sentence: the import card's options ask this way. */
export function CheckField(props: {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  ariaLabel: string;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={props.checked}
        aria-label={props.ariaLabel}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      {props.label}
    </label>
  );
}
