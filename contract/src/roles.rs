//! Roles and permissions, pure: what each role may do unless told otherwise, the central
//! names of the permissions, and who to ask when one is refused.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A staff member's role; it sets the permissions a new user starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Cashier,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Cashier => "cashier",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            "cashier" => Some(Role::Cashier),
            _ => None,
        }
    }

    /// How far up the staff a role stands: a cashier 0, a manager 1, an admin 2.
    pub fn rank(self) -> u8 {
        match self {
            Role::Cashier => 0,
            Role::Manager => 1,
            Role::Admin => 2,
        }
    }

    /// The permissions a user of this role is given unless told otherwise.
    pub fn default_permissions(self) -> Vec<Permission> {
        use Permission::*;
        match self {
            Role::Admin => Permission::ALL.to_vec(),
            Role::Manager => vec![
                ManageInventory,
                ProcessSales,
                ProcessReturns,
                ViewReports,
                ApplyDiscounts,
                ManageCustomers,
                OpenCashDrawer,
                ManageSync,
                KeyWeights,
            ],
            Role::Cashier => vec![
                ProcessSales,
                ProcessReturns,
                ApplyDiscounts,
                ManageCustomers,
            ],
        }
    }
}

/// What a user may do. The names are those of the central `users.permissions` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ManageInventory,
    ProcessSales,
    /// Take items back and refund them (within the business's return rules).
    ProcessReturns,
    ViewReports,
    ApplyDiscounts,
    ManageCustomers,
    ManageUsers,
    ManageSettings,
    OpenCashDrawer,
    ManageSync,
    /// Key the weight of goods sold by measure instead of weighing them on the till's scale
    /// (a weight label or the scale needs no permission).
    KeyWeights,
}

impl Permission {
    pub const ALL: [Permission; 11] = [
        Permission::ManageInventory,
        Permission::ProcessSales,
        Permission::ProcessReturns,
        Permission::ViewReports,
        Permission::ApplyDiscounts,
        Permission::ManageCustomers,
        Permission::ManageUsers,
        Permission::ManageSettings,
        Permission::OpenCashDrawer,
        Permission::ManageSync,
        Permission::KeyWeights,
    ];
}

impl fmt::Display for Permission {
    /// What the permission allows, in words: "manage inventory".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Permission::ManageInventory => "manage inventory",
            Permission::ProcessSales => "process sales",
            Permission::ProcessReturns => "take returns",
            Permission::ViewReports => "view reports",
            Permission::ApplyDiscounts => "give discounts",
            Permission::ManageCustomers => "manage customers",
            Permission::ManageUsers => "manage staff accounts",
            Permission::ManageSettings => "change settings",
            Permission::OpenCashDrawer => "open the cash drawer",
            Permission::ManageSync => "manage sync",
            Permission::KeyWeights => "key weights",
        })
    }
}

impl Permission {
    /// Who is given this permission unless told otherwise, in words: "A manager or an
    /// admin".
    pub fn who_can(self) -> String {
        let roles: Vec<&str> = [Role::Cashier, Role::Manager, Role::Admin]
            .into_iter()
            .filter(|role| role.default_permissions().contains(&self))
            .map(|role| match role {
                Role::Cashier => "a cashier",
                Role::Manager => "a manager",
                Role::Admin => "an admin",
            })
            .collect();
        let mut words = roles.join(", ");
        if let Some(last) = words.rfind(", ") {
            words.replace_range(last..last + 2, " or ");
        }
        let mut chars = words.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(chars).collect()
        })
    }
}

/// The central name of a permission: `manage_inventory`, …
pub fn permission_name(permission: Permission) -> &'static str {
    match permission {
        Permission::ManageInventory => "manage_inventory",
        Permission::ProcessSales => "process_sales",
        Permission::ProcessReturns => "process_returns",
        Permission::ViewReports => "view_reports",
        Permission::ApplyDiscounts => "apply_discounts",
        Permission::ManageCustomers => "manage_customers",
        Permission::ManageUsers => "manage_users",
        Permission::ManageSettings => "manage_settings",
        Permission::OpenCashDrawer => "open_cash_drawer",
        Permission::ManageSync => "manage_sync",
        Permission::KeyWeights => "key_weights",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_can_names_the_roles_given_a_permission() {
        assert_eq!(
            Permission::ProcessSales.who_can(),
            "A cashier, a manager or an admin"
        );
        assert_eq!(
            Permission::ManageInventory.who_can(),
            "A manager or an admin"
        );
        assert_eq!(Permission::ManageUsers.who_can(), "An admin");
    }

    #[test]
    fn permission_names_match_the_central_list() {
        for p in Permission::ALL {
            let json = serde_json::to_value(p).unwrap();
            assert_eq!(json, permission_name(p));
        }
        assert_eq!(
            permission_name(Permission::ManageInventory),
            "manage_inventory"
        );
        assert_eq!(permission_name(Permission::ProcessSales), "process_sales");
        assert_eq!(permission_name(Permission::ViewReports), "view_reports");
    }
}
