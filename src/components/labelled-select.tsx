// SPDX-License-Identifier: LGPL-2.1-or-later
// A select with its label above it, as the toolbar and the graph controls show their choices.
import { FormSelect, FormSelectOption } from "../pf.ts";

export interface LabelledSelectProps<T extends string> {
    id: string;
    label: string;
    value: T;
    /** Value and label of each option, in order. */
    options: readonly (readonly [T, string])[];
    onChange: (value: T) => void;
}

export function LabelledSelect<T extends string>({ id, label, value, options, onChange }: LabelledSelectProps<T>) {
    return (
        <div>
            <label htmlFor={id} className="cta-toolbar-label">{label}</label>
            <FormSelect id={id} value={value} onChange={(_e, v) => onChange(v as T)}>
                {options.map(([optionValue, optionLabel]) => <FormSelectOption key={optionValue} value={optionValue} label={optionLabel} />)}
            </FormSelect>
        </div>
    );
}
