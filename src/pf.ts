// SPDX-License-Identifier: LGPL-2.1-or-later
// The PatternFly components the page uses, imported by their deep ESM paths (as Cockpit's own
// pages do) so that the bundle carries only these.
export { Alert, AlertActionCloseButton, AlertActionLink, AlertGroup } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
export { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
export { Card, CardBody, CardHeader, CardTitle } from "@patternfly/react-core/dist/esm/components/Card/index.js";
export { Checkbox } from "@patternfly/react-core/dist/esm/components/Checkbox/index.js";
export { Content } from "@patternfly/react-core/dist/esm/components/Content/index.js";
export { DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm } from "@patternfly/react-core/dist/esm/components/DescriptionList/index.js";
export { Dropdown, DropdownItem, DropdownList } from "@patternfly/react-core/dist/esm/components/Dropdown/index.js";
export { Divider } from "@patternfly/react-core/dist/esm/components/Divider/index.js";
export { EmptyState, EmptyStateBody } from "@patternfly/react-core/dist/esm/components/EmptyState/index.js";
export { Form, FormGroup, FormHelperText, FormSection } from "@patternfly/react-core/dist/esm/components/Form/index.js";
export { FormSelect, FormSelectOption } from "@patternfly/react-core/dist/esm/components/FormSelect/index.js";
export { HelperText, HelperTextItem } from "@patternfly/react-core/dist/esm/components/HelperText/index.js";
export { MenuToggle } from "@patternfly/react-core/dist/esm/components/MenuToggle/index.js";
export { Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core/dist/esm/components/Modal/index.js";
// PageSection alone: PatternFly's Page component also brings a drawer, a sidebar and a masthead
// that a page inside Cockpit's shell never shows. src/components/page-frame.tsx draws the frame.
export { PageSection } from "@patternfly/react-core/dist/esm/components/Page/PageSection.js";
export { Pagination } from "@patternfly/react-core/dist/esm/components/Pagination/index.js";
export { Progress, ProgressMeasureLocation } from "@patternfly/react-core/dist/esm/components/Progress/index.js";
export { Popover } from "@patternfly/react-core/dist/esm/components/Popover/index.js";
export { Spinner } from "@patternfly/react-core/dist/esm/components/Spinner/index.js";
export { TextInput } from "@patternfly/react-core/dist/esm/components/TextInput/index.js";
export { Title } from "@patternfly/react-core/dist/esm/components/Title/index.js";
export { Toolbar, ToolbarContent, ToolbarGroup, ToolbarItem } from "@patternfly/react-core/dist/esm/components/Toolbar/index.js";
export { Tooltip } from "@patternfly/react-core/dist/esm/components/Tooltip/index.js";
export { Flex, FlexItem } from "@patternfly/react-core/dist/esm/layouts/Flex/index.js";
export { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table/dist/esm/components/Table/index.js";
